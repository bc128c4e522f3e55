DROP TABLE pos.receipt_lookups;

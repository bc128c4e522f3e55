DROP TABLE retail.loyalty_ledger;

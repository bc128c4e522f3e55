DROP TABLE retail.returns_elsewhere;
DROP TABLE sync.receipt_disclosures;
DROP TABLE retail.chain_policy;

-- Two registers offline may each create a customer with the same email (issue 11). HQ keeps
-- both records (the later one linked to the first) and sends both to every till, so the till
-- must be able to hold both: its own check (createCustomer) still refuses a duplicate typed at
-- this till, but the index no longer refuses HQ's rows.
ALTER TABLE retail.customers ADD COLUMN linked_customer_id uuid;
DROP INDEX retail.customers_email_per_store;
CREATE INDEX customers_email_per_store ON retail.customers (store_id, lower(email))
    WHERE email IS NOT NULL;

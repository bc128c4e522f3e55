DROP INDEX retail.customers_email_per_store;
ALTER TABLE retail.customers DROP COLUMN linked_customer_id;
CREATE UNIQUE INDEX customers_email_per_store ON retail.customers (store_id, lower(email))
    WHERE email IS NOT NULL;

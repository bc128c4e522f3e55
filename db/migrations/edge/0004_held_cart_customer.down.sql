ALTER TABLE pos.held_carts DROP COLUMN customer_id;

-- A held cart keeps the customer attached to it, so recalling it brings the customer back.
-- No foreign key: a customer may be deleted at HQ (a tombstone) while the cart is parked;
-- recall then finds no customer and says so instead of failing.
ALTER TABLE pos.held_carts ADD COLUMN customer_id uuid;

-- Reverses 0005.
DROP SCHEMA monitoring CASCADE;

-- Reverses 0001. The pgcrypto extension is left installed: it may have been created by the
-- superuser bootstrap or be used by others, and keeping it changes nothing for this schema.
DROP SCHEMA retail CASCADE;

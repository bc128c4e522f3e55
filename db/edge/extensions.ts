/** The PGlite extensions every till database loads (Node and browser alike). */
import { vector } from '@electric-sql/pglite-pgvector';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';

export const edgeExtensions = { vector, pg_trgm, pgcrypto };

/** Customer lookup and quick create at the till (the new customer syncs up as a mutation). */
import { ConflictError } from '../errors';
import type { Queryable } from '../queryable';
import { recordMutation } from '../edge/record';
import type { TillContext } from './context';
import type { Customer, NewCustomer } from '../../contract/till-api/customers';

interface CustomerRow {
  customer_id: string;
  first_name: string;
  last_name: string;
  email: string | null;
  phone: string | null;
  loyalty_tier: string;
}

const CUSTOMER_COLUMNS = 'customer_id, first_name, last_name, email, phone, loyalty_tier';

function customerFromRow(r: CustomerRow): Customer {
  return {
    customerId: r.customer_id,
    firstName: r.first_name,
    lastName: r.last_name,
    email: r.email,
    phone: r.phone,
    loyaltyTier: r.loyalty_tier,
  };
}

async function emailTaken(db: Queryable, storeId: string, email: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM retail.customers WHERE store_id = $1 AND lower(email) = lower($2)`,
    [storeId, email],
  );
  return rows.length > 0;
}

/**
 * `input` is trusted: validated by the till API (contract/till-api/customers.ts
 * `CustomersInput.createCustomer`: names trimmed and given, email and phone well-formed or null).
 */
export async function createCustomer(
  till: TillContext,
  input: Omit<NewCustomer, 'email' | 'phone'> & {
    email?: string | null | undefined;
    phone?: string | null | undefined;
  },
): Promise<Customer> {
  const data = { ...input, email: input.email ?? null, phone: input.phone ?? null };
  const m = await recordMutation(
    till,
    async (tx) => {
      if (data.email && (await emailTaken(tx, till.identity.storeId, data.email))) {
        throw new ConflictError(`A customer with email ${data.email} already exists in this store`);
      }
      return {
        type: 'customer.created' as const,
        payload: {
          customerId: till.ids(),
          firstName: data.firstName,
          lastName: data.lastName,
          email: data.email,
          phone: data.phone,
          createdAt: till.clock.now().toISOString(),
        },
      };
    },
    'create customer',
  );
  return { ...m.payload, loyaltyTier: 'bronze' };
}

/**
 * Fuzzy matching of a typed name (pg_trgm word_similarity, 0..1): "lovleace" finds Lovelace
 * (0.38), "rivra" Rivera (0.5); unrelated names stay under 0.1. Queries shorter than
 * FUZZY_MIN_LENGTH match only as a fragment (too few trigrams to mean anything).
 */
const FUZZY_THRESHOLD = 0.3;
const FUZZY_MIN_LENGTH = 3;

/**
 * Name, email or phone fragment, case-insensitive, tolerant of typos in the name or email
 * (trigram similarity); fragment matches first, then the closest names; at most `limit` rows.
 * A store's customers are few enough on a till for a scan (no trigram index: a migration
 * would buy nothing measurable here).
 */
export async function findCustomers(
  till: TillContext,
  input: { query: string; limit?: number },
): Promise<Customer[]> {
  const query = String(input.query ?? '')
    .normalize('NFKC')
    .trim()
    .slice(0, 100);
  const limit = Math.min(Math.max(1, Math.floor(input.limit ?? 20)), 100);
  if (query.length === 0) return [];
  const like = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const digits = query.replace(/[^0-9]/g, '');
  const fuzzy = query.length >= FUZZY_MIN_LENGTH ? query.toLowerCase() : '';
  const { rows } = await till.db.query<CustomerRow>(
    `WITH c AS (
       SELECT *,
              -- coalesce: a customer without an email would make this NULL, which sorts first.
              coalesce(first_name || ' ' || last_name ILIKE $2 OR last_name || ' ' || first_name ILIKE $2 OR email ILIKE $2
               OR ($3 <> '' AND length($3) >= 4 AND regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g') LIKE '%' || $3 || '%'), false) AS exact,
              CASE WHEN $5 = '' THEN 0
                   ELSE greatest(word_similarity($5, lower(first_name || ' ' || last_name)),
                                 word_similarity($5, lower(coalesce(email, ''))))
              END AS near
         FROM retail.customers
        WHERE store_id = $1
     )
     SELECT ${CUSTOMER_COLUMNS}
       FROM c
      WHERE exact OR near >= $6
      ORDER BY exact DESC, CASE WHEN exact THEN 0 ELSE near END DESC, last_name, first_name, customer_id
      LIMIT $4`,
    [till.identity.storeId, like, digits, limit, fuzzy, FUZZY_THRESHOLD],
  );
  return rows.map(customerFromRow);
}

/** One customer of this store by ID, or null when the till has none (never synced, deleted). */
export async function getCustomer(
  db: Queryable,
  storeId: string,
  customerId: string,
): Promise<Customer | null> {
  const { rows } = await db.query<CustomerRow>(
    `SELECT ${CUSTOMER_COLUMNS} FROM retail.customers WHERE store_id = $1 AND customer_id = $2`,
    [storeId, customerId],
  );
  const row = rows[0];
  return row ? customerFromRow(row) : null;
}

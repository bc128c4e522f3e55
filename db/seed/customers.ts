/**
 * The seed's customers, spread over the chain's stores.
 *
 * Deterministic: same `seed` and counts -> byte-identical output (IDs, names, prices,
 * timestamps), so tests, benchmarks and the search evaluation are reproducible. Nothing in
 * db/seed/ but the writers (write-edge.ts, write-central.ts) touches a database.
 */
import { Faker, en } from '@faker-js/faker';
import type { CustomerEntity } from '../../contract/catalog';
import { seededIdGenerator } from '../../core/ids';
import { slug } from './catalog';
import { Rng } from './random';
import { SEED_STORES } from './vocabulary';

export interface StoreCustomer extends CustomerEntity {
  storeId: string;
}

export function generateCustomers(options: {
  seed: number;
  customers: number;
  now?: Date;
}): StoreCustomer[] {
  const faker = new Faker({ locale: [en] });
  faker.seed(options.seed * 11 + 3);
  const rng = new Rng(options.seed * 11 + 4);
  const ids = seededIdGenerator(options.seed * 11 + 5, Date.UTC(2024, 0, 1));
  const now = options.now ?? new Date(Date.UTC(2026, 10, 1));
  const stores = SEED_STORES.map((s) => s.storeId);
  const out: StoreCustomer[] = [];
  for (let i = 0; i < options.customers; i++) {
    const firstName = faker.person.firstName().slice(0, 50);
    const lastName = faker.person.lastName().slice(0, 50);
    const storeId = stores[i % stores.length] ?? 'seattle';
    const since = new Date(now.getTime() - rng.int(1, 5 * 365) * 86_400_000);
    const dob = new Date(
      Date.UTC(now.getUTCFullYear() - rng.int(18, 80), rng.int(0, 11), rng.int(1, 28)),
    );
    const tierRoll = rng.next();
    out.push({
      storeId,
      customerId: ids(),
      firstName,
      lastName,
      email: `${slug(firstName)}.${slug(lastName)}.${i + 1}@example.com`,
      phone: faker.phone.number({ style: 'national' }).slice(0, 30),
      dateOfBirth: dob.toISOString().slice(0, 10),
      gender: rng.pick(['female', 'male', 'other', 'prefer not to say']),
      customerSince: since.toISOString().slice(0, 10),
      loyaltyTier:
        tierRoll < 0.5
          ? 'bronze'
          : tierRoll < 0.8
            ? 'silver'
            : tierRoll < 0.95
              ? 'gold'
              : 'platinum',
      totalLifetimeValueCents: 0,
      version: 1,
    });
  }
  return out;
}

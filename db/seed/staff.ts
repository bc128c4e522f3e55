/** The demo staff of a seeded store as catalog entities, PINs hashed by the database (pgcrypto). */
import type { StaffEntity } from '../../contract/catalog';
import type { Queryable } from '../queryable';
import { hashPin } from '../queries/staff';
import { demoStaff } from './chain';

/**
 * Hashes already made in this process, by store, person and PIN: re-seeding the same store
 * (tests open a seeded till per test) gives the same demo rows without paying bcrypt again.
 */
const made = new Map<string, string>();

export async function demoStaffEntities(db: Queryable, storeId: string): Promise<StaffEntity[]> {
  const out: StaffEntity[] = [];
  for (const s of demoStaff(storeId)) {
    out.push({
      staffId: s.staffId,
      displayName: s.displayName,
      role: s.role,
      pinHash: await demoHash(db, { storeId, ...s }),
      isActive: true,
      version: 1,
    });
  }
  return out;
}

async function demoHash(
  db: Queryable,
  s: { storeId: string; staffId: string; role: StaffEntity['role']; pin: string },
): Promise<string> {
  const key = `${s.storeId}|${s.staffId}|${s.role}|${s.pin}`;
  const known = made.get(key);
  if (known) return known;
  const hash = await hashPin(db, { pin: s.pin, role: s.role });
  made.set(key, hash);
  return hash;
}

/** The demo staff of a seeded store as catalog entities, PINs hashed by the database (pgcrypto). */
import type { StaffEntity } from '../../contract/catalog';
import type { Queryable } from '../queryable';
import { hashPin } from '../queries/staff';
import { demoStaff } from './generate';

export async function demoStaffEntities(db: Queryable, storeId: string): Promise<StaffEntity[]> {
  const out: StaffEntity[] = [];
  for (const s of demoStaff(storeId)) {
    out.push({
      staffId: s.staffId,
      displayName: s.displayName,
      role: s.role,
      pinHash: await hashPin(db, s.pin),
      isActive: true,
      version: 1,
    });
  }
  return out;
}

/** Staff login at the till: the person first, then their PIN, with a lockout per person. */
import type { TillContext } from './context';
import { listStaff, unlockStaff, verifyPin } from '../queries/staff';
import type { StaffListEntry, StaffMember } from '../../contract/till-api/session';

export async function login(
  till: TillContext,
  input: { staffId: string; pin: string },
): Promise<StaffMember> {
  return verifyPin(till.db, {
    storeId: till.identity.storeId,
    staffId: input.staffId,
    pin: input.pin,
    now: till.clock.now(),
  });
}

export async function staffList(till: TillContext): Promise<StaffListEntry[]> {
  return listStaff(till.db, { storeId: till.identity.storeId, now: till.clock.now() });
}

/** Lift a person's lock; `approvedBy` is the manager who decided (checked by the caller). */
export async function unlock(till: TillContext, input: { staffId: string }): Promise<StaffMember> {
  return unlockStaff(till.db, { storeId: till.identity.storeId, staffId: input.staffId });
}

/** Staff login at the till: a PIN (optionally for a named staff member), with lockout. */
import type { TillContext } from './context';
import { listStaff, verifyPin } from '../queries/staff';
import type { StaffMember } from '../../contract/till-api';

export async function login(
  till: TillContext,
  input: { pin: string; staffId?: string | undefined },
): Promise<StaffMember> {
  return verifyPin(till.db, {
    storeId: till.identity.storeId,
    pin: input.pin,
    staffId: input.staffId,
    now: till.clock.now(),
  });
}

export async function staffList(till: TillContext): Promise<StaffMember[]> {
  return listStaff(till.db, till.identity.storeId);
}

/**
 * The till API's session area (till/api/session.ts): who logs in, a manager's approval, lifting
 * a PIN lock, and the staff members the screens list.
 */
import { z } from 'zod';
import { Approver, Person, Text } from './fields';

export const SessionInput = {
  /** The person first (a wrong PIN locks only them), then their PIN. */
  login: z.object({ staffId: Person('Choose who you are'), pin: Text('The PIN', 16) }),
  /** A manager's approval, checked now, counted against the manager named (or the only one). */
  verifyManager: z.object({ managerId: Approver.optional(), pin: Text('The manager PIN', 16) }),
  /** Lift a person's PIN lock: a manager logged in here, or a manager's approval given now. */
  unlockStaff: z.object({
    staffId: Person('Choose who to unlock'),
    managerPin: Text('The manager PIN', 16).optional(),
    managerId: Approver.optional(),
  }),
} as const;

export type StaffRole = 'cashier' | 'manager';
export interface StaffMember {
  staffId: string;
  displayName: string;
  role: StaffRole;
}
/** The login screen's list: everyone who may log in, and until when a person is locked. */
export interface StaffListEntry extends StaffMember {
  lockedUntil: string | null;
}

/**
 * HQ console contract for a store's staff (issue 14, item 3): the people who sign in at the
 * tills with a PIN. The same schemas check the console's forms and the server's requests.
 *
 * PINs follow the tills' rule (db/queries/staff.ts assertPinShape, which the server applies
 * again when it hashes): 4 to 8 digits. A PIN is never sent back; HQ keeps a bcrypt hash, which
 * reaches the tills through the change feed like any staff row.
 */
import { z } from 'zod';
import { StoreId, Uuid } from './mutations';

export const StaffRole = z.enum(['cashier', 'manager']);
export type StaffRole = z.infer<typeof StaffRole>;

export const StaffPin = z.string().regex(/^[0-9]{4,8}$/, 'A PIN is 4 to 8 digits');

export const ConsoleStaff = z.object({
  storeId: StoreId,
  staffId: Uuid,
  displayName: z.string(),
  role: StaffRole,
  isActive: z.boolean(),
});
export type ConsoleStaff = z.infer<typeof ConsoleStaff>;

export const StaffList = z.object({ staff: z.array(ConsoleStaff) });

export const CreateStaff = z.object({
  storeId: StoreId,
  displayName: z.string().trim().min(1, 'Enter a name').max(100, 'Use at most 100 characters'),
  role: StaffRole,
  pin: StaffPin,
});
export type CreateStaff = z.infer<typeof CreateStaff>;

export const StaffActive = z.object({ active: z.boolean() });
export const StaffRePin = z.object({ pin: StaffPin });

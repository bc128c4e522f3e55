/** Staff at the till: PIN login (with lockout) and logout per connection, manager checks. */
import { ApiInput, type StaffMember } from '../../contract/till-api';
import { login, staffList } from '../../db/checkout/session';
import { verifyPin } from '../../db/queries/staff';
import { define } from './define';

export const sessionHandlers = {
  login: define({
    input: ApiInput.login,
    staff: 'none',
    run: async ({ till, setStaff }, input): Promise<StaffMember> => {
      const member = await login(await till(), { pin: input.pin, staffId: input.staffId });
      setStaff(member);
      return member;
    },
  }),

  logout: define({
    staff: 'none',
    run: ({ setStaff }) => {
      setStaff(null);
      return Promise.resolve(null);
    },
  }),

  staffList: define({
    staff: 'none',
    run: async ({ till }) => staffList(await till()),
  }),

  /** A manager's PIN, checked now (e.g. before applying a large discount). Counts towards lockout. */
  verifyManager: define({
    input: ApiInput.verifyManager,
    staff: 'any',
    run: async ({ till }, input) => {
      const t = await till();
      return verifyPin(t.db, {
        storeId: t.identity.storeId,
        pin: input.pin,
        role: 'manager',
        now: t.clock.now(),
      });
    },
  }),
};

/**
 * Staff at the till: the person, then the PIN (a lockout per person), logout per connection,
 * manager checks and unlocking a locked person.
 */
import { SessionInput, type StaffMember } from '../../contract/till-api/session';
import { login, staffList, unlock } from '../../db/checkout/session';
import { managerApproval } from '../../db/checkout/shared';
import { ValidationError } from '../../db/errors';
import { soleManager, verifyPin } from '../../db/queries/staff';
import { define } from './define';

export const sessionHandlers = {
  login: define({
    input: SessionInput.login,
    staff: 'none',
    run: async ({ till, setStaff }, input): Promise<StaffMember> => {
      const member = await login(await till(), { staffId: input.staffId, pin: input.pin });
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

  /**
   * The named manager's PIN, checked now (e.g. before applying a large discount). A wrong PIN
   * counts towards that manager's lockout.
   */
  verifyManager: define({
    input: SessionInput.verifyManager,
    staff: 'any',
    run: async ({ till }, input) => {
      const t = await till();
      const managerId = input.managerId ?? (await soleManager(t.db, t.identity.storeId));
      if (!managerId) throw new ValidationError('Choose the approving manager');
      return verifyPin(t.db, {
        storeId: t.identity.storeId,
        staffId: managerId,
        pin: input.pin,
        role: 'manager',
        now: t.clock.now(),
      });
    },
  }),

  /**
   * Lift a person's lock. Works before anyone is logged in (the login screen offers it on a
   * locked person): a manager logged in on this connection decides, or a manager's PIN given
   * now, counted against that manager.
   */
  unlockStaff: define({
    input: SessionInput.unlockStaff,
    staff: 'none',
    run: async ({ till, staff }, input) => {
      const t = await till();
      await managerApproval(t, {
        actor: staff,
        managerId: input.managerId,
        managerPin: input.managerPin,
        why: 'Unlocking needs a manager PIN',
      });
      return unlock(t, { staffId: input.staffId });
    },
  }),
};

/** The register's shift: open with a float, cash in and out, X report, close with the Z report. */
import { ShiftInput } from '../../contract/till-api/shift';
import {
  closeShift,
  currentShift,
  listZReports,
  moveCash,
  openShift,
  staffXReport,
} from '../../db/checkout/shifts';
import { define } from './define';

export const shiftHandlers = {
  currentShift: define({
    staff: 'none',
    run: async ({ till }) => (await currentShift(await till())) ?? null,
  }),

  openShift: define({
    input: ShiftInput.openShift,
    staff: 'any',
    records: true,
    run: async ({ till, staff }, input) =>
      openShift(await till(), {
        staffId: staff.staffId,
        openingFloatCents: input.openingFloatCents,
      }),
  }),

  moveCash: define({
    input: ShiftInput.moveCash,
    staff: 'any',
    records: true,
    run: async ({ till, staff }, input) =>
      moveCash(await till(), { staffId: staff.staffId, ...input }),
  }),

  /** With the store's blind close, the expected drawer is withheld until the close. */
  xReport: define({
    staff: 'any',
    run: async ({ till }) => staffXReport(await till()),
  }),

  /** Closing the drawer is a manager's call: a cashier needs a manager PIN. */
  closeShift: define({
    input: ShiftInput.closeShift,
    staff: 'manager',
    approval: 'Closing the shift needs a manager PIN',
    records: true,
    run: async ({ till, staff }, input) =>
      closeShift(await till(), {
        staffId: staff.staffId,
        countedCashCents: input.countedCashCents,
      }),
  }),

  listZReports: define({
    staff: 'any',
    run: async ({ till }) => listZReports(await till()),
  }),
};

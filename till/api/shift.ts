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
import { recordNoSale } from '../../db/checkout/no-sale';
import { ErrorKind } from '../../contract/errors';
import { PosError } from '../../db/errors';
import type { NoSaleOutcome } from '../../contract/till-api/shift';
import { define } from './define';
import { kickDrawer } from './printing';

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

  /**
   * A no-sale: recorded first (a drawer never opens unrecorded), then the drawer is kicked. A
   * printer that fails leaves the no-sale recorded and says why the drawer stayed shut.
   */
  noSale: define({
    input: ShiftInput.noSale,
    staff: 'any',
    records: true,
    run: async ({ till, host, staff }, input): Promise<NoSaleOutcome> => {
      const t = await till();
      const event = await recordNoSale(t, { staffId: staff.staffId, ...input });
      const done = { eventId: event.eventId, occurredAt: event.occurredAt };
      try {
        const opened = await kickDrawer(host, t.db);
        host.logger.info({ staffId: staff.staffId, eventId: event.eventId, opened }, 'no sale');
        return { ...done, drawer: opened ? 'opened' : 'no_drawer', message: null };
      } catch (error) {
        // The printer's faults (till/node/printer-network.ts PrinterError) are 'unavailable'.
        if (!(error instanceof PosError) || error.kind !== ErrorKind.unavailable) throw error;
        return { ...done, drawer: 'failed', message: error.message };
      }
    },
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

/**
 * No-sale drawer opens (issue 13, item 5). Opening the drawer without a sale is recorded before
 * the drawer is kicked (till/api/shift.ts noSale), so a drawer never opens unrecorded: who,
 * when, which shift of which register, why, and the approving manager when the store's
 * `no_sale_needs_manager` asks for one. It syncs up like cash in/out (`shift.no_sale`, exactly
 * once by its event ID) and counts on the X and Z reports (`noSalesCount`).
 *
 * Inputs are trusted: validated by the till API (contract/till-api/shift.ts).
 */
import { recordMutation } from '../edge/record';
import { getStaff } from '../queries/staff';
import type { TillContext } from './context';
import { managerApproval, requireOpenShift, requireStaff } from './shared';

const NEEDS_MANAGER = 'Opening the drawer without a sale needs a manager PIN';

async function needsManager(till: TillContext): Promise<boolean> {
  const { rows } = await till.db.query<{ no_sale_needs_manager: boolean }>(
    `SELECT no_sale_needs_manager FROM retail.stores WHERE store_id = $1`,
    [till.identity.storeId],
  );
  return rows[0]?.no_sale_needs_manager === true;
}

export async function recordNoSale(
  till: TillContext,
  input: {
    staffId: string;
    reason: string;
    managerId?: string | undefined;
    managerPin?: string | undefined;
  },
): Promise<{ eventId: string; occurredAt: string; approvedBy: string | null }> {
  // Checked before the transaction so a wrong manager PIN still counts (managerApproval).
  let approvedBy: string | null = null;
  if (await needsManager(till)) {
    const actor = await getStaff(till.db, till.identity.storeId, input.staffId);
    approvedBy = await managerApproval(till, {
      actor: actor ?? null,
      managerId: input.managerId,
      managerPin: input.managerPin,
      why: NEEDS_MANAGER,
    });
  }
  const m = await recordMutation(
    till,
    async (tx) => {
      await requireStaff(tx, till, input.staffId);
      const shiftId = await requireOpenShift(tx, till);
      return {
        type: 'shift.no_sale' as const,
        payload: {
          eventId: till.ids(),
          shiftId,
          reason: input.reason,
          staffId: input.staffId,
          approvedBy,
          occurredAt: till.clock.now().toISOString(),
        },
      };
    },
    'no sale',
  );
  return {
    eventId: m.payload.eventId,
    occurredAt: m.payload.occurredAt,
    approvedBy: m.payload.approvedBy,
  };
}

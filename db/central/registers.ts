/** Registers HQ learns of from the facts tills send (issue 11). */
import { ExceptionKind } from '../../contract/exceptions';
import type { RaisedException } from './ingest-types';
import type { TenantTx } from './tenant';

/**
 * Registers a till names that HQ does not have are added (a fact happened on them); returns
 * the ones added, each an exception for a person to name or retire.
 */
export async function addMissingRegisters(
  tx: TenantTx,
  registerIds: readonly string[],
): Promise<RaisedException[]> {
  if (registerIds.length === 0) return [];
  const { rows } = await tx.query<{ register_id: string }>(
    `INSERT INTO retail.registers (store_id, register_id, register_name)
     SELECT $1, r, 'Register ' || r FROM unnest($2::text[]) AS r
     ON CONFLICT (store_id, register_id) DO NOTHING
     RETURNING register_id`,
    [tx.storeId, [...new Set(registerIds)]],
  );
  return rows.map((r) => ({
    kind: ExceptionKind.unknownRegister,
    entity: 'register' as const,
    entityId: r.register_id,
    reason: `A till recorded sales or a shift on register ${r.register_id}, which HQ did not have. HQ added the register; name it or retire it.`,
    detail: { registerId: r.register_id },
  }));
}

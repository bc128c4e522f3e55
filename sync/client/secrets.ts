/**
 * How the till keeps its secrets (the device credential, a rebase's new secret, a pending
 * enrollment's secret) in its own database: as is, or sealed.
 *
 * A `SecretSealer` seals a secret into an opaque blob that only it can open again. The desktop
 * passes one backed by the OS keychain (Electron safeStorage in the main process, reached over
 * a validated IPC: electron/backend/vault-client.ts); the web till, the CLIs and a desktop
 * without a usable keychain pass none, and the secret is stored as is in the owner-only
 * database. Each secret lives in exactly ONE column of its pair (edge migration 0013).
 * Browser-safe: no node: imports.
 *
 * Contract: nothing here logs or throws a secret; errors name the secret, never its value.
 */
import { getErrorMessage } from '../../contract/errors';
import { InvalidStateError } from '../../db/errors';
import type { Logger } from '../../db/logger';
import type { TransactionalDb } from '../../db/queryable';
import type { SecretSealer } from '../../contract/secret-vault';

export type { SecretSealer };

/** A secret as stored: exactly one of the two is set. */
export interface StoredSecret {
  plain: string | null;
  sealed: Uint8Array | null;
}

/** The secret of a device whose credential is sealed cannot be opened on this host. */
export class SealedSecretError extends InvalidStateError {}

/** How `secret` is stored on this host. */
export async function keepSecret(
  sealer: SecretSealer | null | undefined,
  secret: string,
): Promise<StoredSecret> {
  if (!sealer) return { plain: secret, sealed: null };
  return { plain: null, sealed: await sealer.seal(secret) };
}

/** The secret of a stored pair; `what` names it in errors ("the device credential"). */
export async function revealSecret(
  sealer: SecretSealer | null | undefined,
  stored: StoredSecret,
  what: string,
): Promise<string> {
  if (stored.plain !== null) return stored.plain;
  const What = what.charAt(0).toUpperCase() + what.slice(1);
  if (stored.sealed === null) throw new InvalidStateError(`${What} is missing`);
  if (!sealer) {
    throw new SealedSecretError(
      `${What} is sealed by the desktop's OS keychain and cannot be opened here: ` +
        'sync this till from the desktop app on the computer that enrolled it',
    );
  }
  try {
    return (await sealer.open(stored.sealed)).secret;
  } catch (error) {
    throw new SealedSecretError(
      `The OS keychain could not open ${what} (was this store folder copied from another ` +
        'computer or user?): run the till where it was enrolled, or ask HQ for a replacement ' +
        'code for this register',
      { cause: error },
    );
  }
}

interface PlainRow {
  token: string | null;
  token_sealed: Uint8Array | null;
  rebase_secret: string | null;
}

/**
 * Seal every secret still stored as is (a till enrolled before sealing, or while the keychain
 * was unavailable) and erase the plain copies; seal again what the keychain calls stale.
 * Idempotent; run at start before the sync client reads its device. A table that held a plain
 * secret is rewritten (VACUUM FULL) so the old row version does not linger in its file.
 * Returns how many secrets were sealed.
 */
export async function sealStoredSecrets(
  db: TransactionalDb,
  sealer: SecretSealer,
  logger: Logger,
): Promise<number> {
  let sealed = 0;
  const device = (
    await db.query<PlainRow>(`SELECT token, token_sealed, rebase_secret FROM pos.sync_device`)
  ).rows[0];
  if (device) {
    let token = device.token !== null ? await sealer.seal(device.token) : null;
    if (token === null && device.token_sealed !== null) {
      // Opened anyway by the client in a moment; here only to learn whether it went stale.
      const opened = await sealer.open(device.token_sealed);
      if (opened.stale) token = await sealer.seal(opened.secret);
    }
    const rebase = device.rebase_secret !== null ? await sealer.seal(device.rebase_secret) : null;
    if (token !== null || rebase !== null) {
      await db.query(
        `UPDATE pos.sync_device
            SET token_sealed = coalesce($1, token_sealed), token = NULL,
                rebase_secret_sealed = coalesce($2, rebase_secret_sealed), rebase_secret = NULL`,
        [token, rebase],
      );
      sealed += device.token !== null ? 1 : 0;
      sealed += rebase !== null ? 1 : 0;
    }
  }
  const pending = await db.query<{ code_hash: string; secret: string }>(
    `SELECT code_hash, secret FROM pos.pending_enrollment WHERE secret IS NOT NULL`,
  );
  for (const row of pending.rows) {
    const blob = await sealer.seal(row.secret);
    await db.query(
      `UPDATE pos.pending_enrollment SET secret_sealed = $2, secret = NULL
        WHERE code_hash = $1 AND secret = $3`,
      [row.code_hash, blob, row.secret],
    );
    sealed += 1;
  }
  if (sealed > 0) {
    // An UPDATE leaves the old row version (the plain secret) in the table's file until the
    // space is reused; VACUUM FULL writes the tables anew and drops the old files.
    await db.exec(`VACUUM FULL pos.sync_device`);
    await db.exec(`VACUUM FULL pos.pending_enrollment`);
    logger.info({ sealed }, 'till secrets sealed by the OS keychain; plain copies erased');
  }
  return sealed;
}

/**
 * `sealStoredSecrets` at the client's start. A failure is logged, not raised: the plain copy
 * stays usable, the till keeps syncing, and sealing is tried again at the next start.
 */
export async function sealAtStart(
  db: TransactionalDb,
  sealer: SecretSealer,
  logger: Logger,
): Promise<void> {
  try {
    await sealStoredSecrets(db, sealer, logger);
  } catch (error) {
    logger.warn(
      { error: getErrorMessage(error) },
      'could not seal the till secrets; they stay in the owner-only database',
    );
  }
}

/**
 * The device secret of an enrollment in progress (pos.pending_enrollment): made up once per
 * enrollment code and stored BEFORE HQ is asked, so every retry of that code (the answer was
 * lost, HQ was unreachable, the till restarted meanwhile) sends the same secret and HQ answers
 * it with the same credential instead of refusing a used code. Stored as the till's other
 * secrets are (secrets.ts: sealed on the desktop). Browser-safe: Web Crypto only.
 */
import type { Queryable } from '../../db/queryable';
import { keepSecret, revealSecret, type SecretSealer } from './secrets';

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The secret for `code` (a normalised enrollment code): the stored one, or a new one stored now. */
export async function enrollmentSecret(
  db: Queryable,
  code: string,
  sealer?: SecretSealer | null,
): Promise<string> {
  const codeHash = await sha256Hex(code);
  const fresh = await keepSecret(sealer, base64url(crypto.getRandomValues(new Uint8Array(32))));
  // Insert-or-read in one statement: two enroll calls racing on one code share one secret.
  const { rows } = await db.query<{ secret: string | null; secret_sealed: Uint8Array | null }>(
    `INSERT INTO pos.pending_enrollment (code_hash, secret, secret_sealed) VALUES ($1, $2, $3)
     ON CONFLICT (code_hash) DO UPDATE SET code_hash = EXCLUDED.code_hash
     RETURNING secret, secret_sealed`,
    [codeHash, fresh.plain, fresh.sealed],
  );
  const row = rows[0]!;
  return revealSecret(
    sealer,
    { plain: row.secret, sealed: row.secret_sealed },
    "the enrollment's secret",
  );
}

/** The enrollment is saved (same transaction): no secret of it stays behind. */
export async function clearPendingEnrollments(tx: Queryable): Promise<void> {
  await tx.query(`DELETE FROM pos.pending_enrollment`);
}

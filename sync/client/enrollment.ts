/**
 * The device secret of an enrollment in progress (pos.pending_enrollment): made up once per
 * enrollment code and stored BEFORE HQ is asked, so every retry of that code (the answer was
 * lost, HQ was unreachable, the till restarted meanwhile) sends the same secret and HQ answers
 * it with the same credential instead of refusing a used code. Stored as the till's other
 * secrets are (secrets.ts: sealed on the desktop). `enrollWithHq` is the exchange itself: code
 * and secret for a credential, saved with the device. Browser-safe: Web Crypto and fetch only.
 */
import { EnrollRequest, EnrollResult } from '../../contract/sync-protocol/enrollment';
import { InvalidStateError, ValidationError } from '../../db/errors';
import type { Logger } from '../../db/logger';
import type { Queryable, TransactionalDb } from '../../db/queryable';
import { createSyncHttp } from './http';
import { isEnrolled, saveEnrollment } from './local';
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

export interface EnrollInput {
  hqUrl: string;
  code: string;
  label?: string | undefined;
}

export interface EnrollDeps {
  db: TransactionalDb;
  sealer: SecretSealer | null;
  logger: Logger;
  fetch?: typeof fetch | undefined;
  timeoutMs?: number | undefined;
}

/**
 * Exchange an enrollment code for a credential and save the device (the client then downloads
 * the catalog). Refuses a malformed address or code, and a till that is already enrolled.
 */
export async function enrollWithHq(deps: EnrollDeps, input: EnrollInput): Promise<EnrollResult> {
  const { db, sealer } = deps;
  const hqUrl = validateHqUrl(input.hqUrl);
  const request = EnrollRequest.safeParse({ code: input.code, label: input.label });
  if (!request.success) {
    throw new ValidationError(
      'That is not an enrollment code: it looks like store.XXXX-XXXX-XXXX-XXXX (ask HQ for one)',
    );
  }
  if (await isEnrolled(db)) throw new InvalidStateError('This till is already enrolled');
  const http = createSyncHttp({
    baseUrl: hqUrl,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}),
  });
  // Stored before asking: a retry of this code sends the same secret.
  const secret = await enrollmentSecret(db, request.data.code, sealer);
  const result = await http.request(
    'POST',
    '/v1/enroll',
    { ...request.data, secret },
    EnrollResult,
    { auth: false },
  );
  // Sealed before the transaction: no database transaction waits on the keychain.
  const token = await keepSecret(sealer, result.token);
  await db.transaction(async (tx) => {
    await saveEnrollment(tx, { hqUrl, result, token });
    await clearPendingEnrollments(tx);
  });
  deps.logger.info({ storeId: result.storeId, registerId: result.registerId }, 'enrolled with HQ');
  return result;
}

export function validateHqUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ValidationError(
      `"${value}" is not an HQ address: expected e.g. http://hq.example:8787`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ValidationError(
      `The HQ address must start with http:// or https:// (got ${url.protocol})`,
    );
  }
  return url.toString().replace(/\/+$/, '');
}

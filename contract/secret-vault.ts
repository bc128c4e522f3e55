/**
 * The secret vault's messages between the desktop's backend utility process (the till host)
 * and the main process, which alone may use Electron's safeStorage (the OS keychain). The
 * backend asks; main answers each request once, with the request's `id`.
 *
 *   backend -> main   { type: 'vault', id, op: 'status' }            may secrets be sealed here?
 *                     { type: 'vault', id, op: 'seal', secret }      -> { sealed } (base64)
 *                     { type: 'vault', id, op: 'open', sealed }      -> { secret, stale }
 *   main -> backend   { type: 'vault-reply', id, ok: true, data } | { ..., ok: false, error }
 *
 * Both sides validate what they receive with these schemas (one trust boundary each way). The
 * renderer never reaches this: it travels on the utility process's own parent port, not on
 * ipcMain. Bounds are generous for a device secret (43 characters) and its sealed blob.
 */
import { z } from 'zod';
import { ErrorKind } from './errors';

export const VAULT_MESSAGE = 'vault';
export const VAULT_REPLY = 'vault-reply';
/** Longest secret the vault seals (a device token is `<store>.<device>.<secret>`). */
export const VAULT_MAX_SECRET = 1_024;
/** Longest sealed blob, base64 (a keychain adds a small header and a MAC). */
export const VAULT_MAX_SEALED = 8_192;

const RequestId = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const Base64 = z
  .string()
  .min(4)
  .max(VAULT_MAX_SEALED)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'not base64');

export const VaultRequest = z.discriminatedUnion('op', [
  z.strictObject({ type: z.literal(VAULT_MESSAGE), id: RequestId, op: z.literal('status') }),
  z.strictObject({
    type: z.literal(VAULT_MESSAGE),
    id: RequestId,
    op: z.literal('seal'),
    secret: z.string().min(1).max(VAULT_MAX_SECRET),
  }),
  z.strictObject({
    type: z.literal(VAULT_MESSAGE),
    id: RequestId,
    op: z.literal('open'),
    sealed: Base64,
  }),
]);
export type VaultRequest = z.infer<typeof VaultRequest>;
export type VaultOp = VaultRequest['op'];

/** What each operation answers. */
export const VaultStatus = z.strictObject({
  /** Secrets are sealed by the OS keychain; false: they stay in the owner-only database. */
  sealing: z.boolean(),
});
export const VaultSealed = z.strictObject({ sealed: Base64 });
export const VaultOpened = z.strictObject({
  secret: z.string().min(1).max(VAULT_MAX_SECRET),
  stale: z.boolean(),
});
export type VaultStatus = z.infer<typeof VaultStatus>;
export type VaultSealed = z.infer<typeof VaultSealed>;
export type VaultOpened = z.infer<typeof VaultOpened>;

export const VaultReply = z.discriminatedUnion('ok', [
  z.strictObject({
    type: z.literal(VAULT_REPLY),
    id: RequestId,
    ok: z.literal(true),
    data: z.unknown(),
  }),
  z.strictObject({
    type: z.literal(VAULT_REPLY),
    id: RequestId,
    ok: z.literal(false),
    error: z.strictObject({
      kind: z.enum(Object.values(ErrorKind) as [ErrorKind, ...ErrorKind[]]),
      message: z.string().max(1_000),
    }),
  }),
]);
export type VaultReply = z.infer<typeof VaultReply>;

/**
 * What the till's sync client needs to keep its secrets sealed (sync/client/secrets.ts); the
 * desktop's backend implements it over these messages (electron/backend/vault-client.ts).
 */
export interface SecretSealer {
  seal(secret: string): Promise<Uint8Array>;
  /** `stale`: the keychain's key changed since sealing; seal it again for the future. */
  open(sealed: Uint8Array): Promise<{ secret: string; stale: boolean }>;
}

/** Is this parent-port message a vault reply (the backend routes it to the vault client)? */
export function isVaultReply(message: unknown): boolean {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === VAULT_REPLY
  );
}

/** Is this utility-process message meant for the vault (main routes it there)? */
export function isVaultMessage(message: unknown): boolean {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === VAULT_MESSAGE
  );
}

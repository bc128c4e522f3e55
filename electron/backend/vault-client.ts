/**
 * The backend utility process's side of the secret vault (contract/secret-vault.ts): asks the
 * main process to seal and open the till's secrets, and gives the till host a SecretSealer
 * (sync/client/secrets.ts) when main can seal, or null when it cannot (then the secrets stay
 * in the owner-only database; main logged why).
 *
 * Replies are validated here; each request has a timeout so a till never hangs on a main
 * process that does not answer. Errors carry main's message, never a secret.
 */
import {
  VaultOpened,
  VaultReply,
  VaultSealed,
  VaultStatus,
  VAULT_MESSAGE,
  type VaultRequest,
} from '../../contract/secret-vault';
import { PosError } from '../../core/errors';
import { ErrorKind } from '../../contract/errors';
import type { Logger } from '../../db/logger';
import type { SecretSealer } from '../../contract/secret-vault';

type RequestBody = VaultRequest extends infer R
  ? R extends unknown
    ? Omit<R, 'id' | 'type'>
    : never
  : never;

export interface VaultClient {
  /** Hand every message from main here; true when it was a vault reply (consumed). */
  receive(message: unknown): boolean;
  request(body: RequestBody): Promise<unknown>;
}

export function createVaultClient(options: {
  /** process.parentPort.postMessage in the utility process. */
  post: (message: VaultRequest) => void;
  logger: Logger;
  timeoutMs?: number;
}): VaultClient {
  const pending = new Map<
    number,
    { resolve: (data: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }
  >();
  let nextId = 1;
  return {
    receive(message) {
      if ((message as { type?: unknown } | null)?.type !== 'vault-reply') return false;
      const parsed = VaultReply.safeParse(message);
      if (!parsed.success) {
        options.logger.warn({}, 'malformed vault reply ignored');
        return true;
      }
      const waiter = pending.get(parsed.data.id);
      if (!waiter) return true;
      pending.delete(parsed.data.id);
      clearTimeout(waiter.timer);
      if (parsed.data.ok) waiter.resolve(parsed.data.data);
      else waiter.reject(new PosError(parsed.data.error.kind, parsed.data.error.message));
      return true;
    },
    request(body) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new PosError(ErrorKind.unavailable, 'The main process did not answer the vault'));
        }, options.timeoutMs ?? 10_000);
        timer.unref();
        pending.set(id, { resolve, reject, timer });
        options.post({ ...body, type: VAULT_MESSAGE, id });
      });
    },
  };
}

/** A SecretSealer over the vault, or null when main cannot seal on this machine. */
export async function vaultSealer(client: VaultClient): Promise<SecretSealer | null> {
  const status = VaultStatus.parse(await client.request({ op: 'status' }));
  if (!status.sealing) return null;
  return {
    async seal(secret) {
      const data = VaultSealed.parse(await client.request({ op: 'seal', secret }));
      return new Uint8Array(Buffer.from(data.sealed, 'base64'));
    },
    async open(sealed) {
      return VaultOpened.parse(
        await client.request({ op: 'open', sealed: Buffer.from(sealed).toString('base64') }),
      );
    },
  };
}

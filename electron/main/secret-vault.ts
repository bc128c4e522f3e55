/**
 * The secret vault (main process): seals and opens the till's secrets with Electron's
 * safeStorage (the OS keychain: DPAPI on Windows, Keychain on macOS, libsecret/kwallet on
 * Linux) for the backend utility process, which owns the till database but may not use
 * safeStorage itself. Messages: contract/secret-vault.ts, validated here; anything else is
 * refused with an error answer (or dropped when it carries no id to answer).
 *
 * Where sealing would protect nothing (no keychain: the async encryptor is unavailable, or
 * Linux's 'basic_text' backend, whose key is a constant compiled into Chromium) the vault
 * says so (`status` -> sealing: false), refuses to seal, and logs ONE warning; the till then
 * keeps its secret in the owner-only database as before.
 *
 * Takes a safeStorage-shaped dependency so it runs (and is tested) in plain Node. Contract:
 * no secret and no sealed blob is ever logged or put in an error message.
 */
import type { SafeStorage } from 'electron';
import {
  VaultRequest,
  VAULT_REPLY,
  type VaultOpened,
  type VaultReply,
  type VaultSealed,
  type VaultStatus,
} from '../../contract/secret-vault';
import { ErrorKind } from '../../contract/errors';
import type { Logger } from '../../db/logger';

export type SafeStorageLike = Pick<
  SafeStorage,
  | 'isAsyncEncryptionAvailable'
  | 'encryptStringAsync'
  | 'decryptStringAsync'
  | 'getSelectedStorageBackend'
>;

export interface SecretVaultDeps {
  safeStorage: SafeStorageLike;
  /** process.platform: the Linux backend is looked at only on Linux. */
  platform: NodeJS.Platform;
  logger: Logger;
}

export interface SecretVault {
  /** Answer one message from the backend; null: nothing to answer (no id to answer to). */
  handle(message: unknown): Promise<VaultReply | null>;
}

/** Linux backends that keep the key next to the data: sealing with them protects nothing. */
const UNPROTECTED_LINUX_BACKENDS = new Set(['basic_text', 'unknown']);

export function createSecretVault(deps: SecretVaultDeps): SecretVault {
  const { safeStorage, logger } = deps;
  let availability: Promise<boolean> | undefined;

  /** Decided once per run (the first request), with the one warning when unavailable. */
  const sealing = (): Promise<boolean> =>
    (availability ??= (async () => {
      let reason: string | undefined;
      let backend: string | undefined;
      try {
        if (!(await safeStorage.isAsyncEncryptionAvailable())) {
          reason = 'the OS keychain is not available';
        } else if (deps.platform === 'linux') {
          backend = safeStorage.getSelectedStorageBackend();
          if (UNPROTECTED_LINUX_BACKENDS.has(backend)) {
            reason = `no keyring found (safeStorage backend '${backend}' keeps its key in the app)`;
          }
        }
      } catch (error) {
        reason = `the OS keychain failed to start (${error instanceof Error ? error.name : 'error'})`;
      }
      if (reason === undefined) return true;
      logger.warn(
        { reason, ...(backend ? { backend } : {}) },
        `${reason}: the till's device secret is NOT sealed by the OS keychain; it stays in ` +
          "the till database, protected only by the store folder's owner-only permissions",
      );
      return false;
    })());

  const reply = (id: number, data: VaultStatus | VaultSealed | VaultOpened): VaultReply => ({
    type: VAULT_REPLY,
    id,
    ok: true,
    data,
  });
  const refuse = (id: number, kind: ErrorKind, message: string): VaultReply => ({
    type: VAULT_REPLY,
    id,
    ok: false,
    error: { kind, message },
  });

  return {
    async handle(message) {
      const parsed = VaultRequest.safeParse(message);
      if (!parsed.success) {
        // Paths and codes only: the values may be secrets.
        logger.warn(
          { issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.code}`) },
          'malformed vault request refused',
        );
        const id = (message as { id?: unknown } | null)?.id;
        return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0
          ? refuse(id, ErrorKind.validation, 'Malformed vault request')
          : null;
      }
      const request = parsed.data;
      const available = await sealing();
      if (request.op === 'status') return reply(request.id, { sealing: available });
      if (!available) {
        return refuse(request.id, ErrorKind.unavailable, 'The OS keychain is not available');
      }
      if (request.op === 'seal') {
        try {
          const sealed = await safeStorage.encryptStringAsync(request.secret);
          return reply(request.id, { sealed: Buffer.from(sealed).toString('base64') });
        } catch (error) {
          logger.warn({ error: errorName(error) }, 'the OS keychain could not seal a secret');
          return refuse(request.id, ErrorKind.unavailable, 'The OS keychain could not seal it');
        }
      }
      try {
        const opened = await safeStorage.decryptStringAsync(Buffer.from(request.sealed, 'base64'));
        if (opened.result.length === 0) throw new Error('empty');
        return reply(request.id, { secret: opened.result, stale: opened.shouldReEncrypt });
      } catch (error) {
        logger.warn({ error: errorName(error) }, 'the OS keychain could not open a sealed secret');
        return refuse(
          request.id,
          ErrorKind.corrupt,
          'The OS keychain could not open the sealed secret',
        );
      }
    },
  };
}

/** An error's class name only: a keychain's message could quote what it was given. */
function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

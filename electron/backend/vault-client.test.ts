/**
 * The backend's side of the secret vault, wired to the real main-process vault (with a fake
 * safeStorage) through an in-memory stand-in for the utility process's parent port.
 */
import { describe, expect, it } from 'vitest';
import { PosError } from '../../core/errors';
import { connectedVault, recordingLogger } from '../../test/fixtures/safe-storage';
import { createVaultClient, vaultSealer } from './vault-client';

const SECRET = 'seattle.0192f3a4-7b1c-7d2e-9f00-123456789abc.c2VjcmV0LXNlY3JldC1zZWNyZXQ';

describe('the vault client (backend utility process)', () => {
  it('gives a sealer that seals through main and opens again', async () => {
    const { client, logger } = connectedVault();
    const sealer = await vaultSealer(client);
    expect(sealer).not.toBeNull();
    const blob = await sealer!.seal(SECRET);
    expect(Buffer.from(blob).toString('latin1')).not.toContain('c2VjcmV0LXNlY3JldC1zZWNyZXQ');
    expect(await sealer!.open(blob)).toEqual({ secret: SECRET, stale: false });
    expect(logger.text()).not.toContain(SECRET);
  });

  it('gives no sealer where main cannot seal (the secret stays in the owner-only database)', async () => {
    const { client, logger } = connectedVault({ backend: 'basic_text' });
    expect(await vaultSealer(client)).toBeNull();
    expect(logger.records.filter((r) => r.level === 'warn')).toHaveLength(1);
  });

  it("rejects with main's refusal, typed, and never hangs on a main that does not answer", async () => {
    const { client } = connectedVault({ key: 1 });
    const error = await client.request({ op: 'open', sealed: 'AAAAAAAA' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PosError);
    expect(error).toMatchObject({ kind: 'corrupt' });

    const silent = createVaultClient({
      post: () => undefined,
      logger: recordingLogger(),
      timeoutMs: 20,
    });
    await expect(silent.request({ op: 'status' })).rejects.toMatchObject({ kind: 'unavailable' });
  });

  it('consumes replies only, and ignores a malformed or unknown one', async () => {
    const logger = recordingLogger();
    const posted: unknown[] = [];
    const client = createVaultClient({ post: (m) => posted.push(m), logger, timeoutMs: 50 });
    const answer = client.request({ op: 'status' });
    expect(posted).toEqual([{ type: 'vault', id: 1, op: 'status' }]);
    expect(client.receive({ type: 'connect' })).toBe(false);
    expect(client.receive(null)).toBe(false);
    expect(client.receive({ type: 'vault-reply', id: 1, ok: true })).toBe(true);
    expect(client.receive({ type: 'vault-reply', id: 99, ok: true, data: {} })).toBe(true);
    expect(logger.records.map((r) => r.message)).toEqual(['malformed vault reply ignored']);
    expect(client.receive({ type: 'vault-reply', id: 1, ok: true, data: { sealing: true } })).toBe(
      true,
    );
    expect(await answer).toEqual({ sealing: true });
  });
});

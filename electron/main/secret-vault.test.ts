/**
 * Security (issue 12, finding 7, desktop half): the main process's secret vault seals and
 * opens the till's secrets with safeStorage (a fake here: Electron cannot start in tests),
 * falls back with ONE warning where the OS keychain protects nothing, refuses malformed
 * requests, and never logs a secret.
 */
import { describe, expect, it } from 'vitest';
import { fakeSafeStorage, recordingLogger } from '../../test/fixtures/safe-storage';
import { createSecretVault } from './secret-vault';

const SECRET = 'seattle.0192f3a4-7b1c-7d2e-9f00-123456789abc.Zm9vYmFyYmF6cXV4LXNlY3JldC12YWx1ZQ';

function setup(options: Parameters<typeof fakeSafeStorage>[0] = {}, platform = 'linux') {
  const logger = recordingLogger();
  const safeStorage = fakeSafeStorage(options);
  const vault = createSecretVault({
    safeStorage,
    platform: platform as NodeJS.Platform,
    logger,
  });
  return { vault, logger, safeStorage };
}

function neverLeaks(text: string): void {
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain('Zm9vYmFyYmF6cXV4');
  expect(text).not.toContain(Buffer.from(SECRET).toString('base64').slice(0, 24));
}

describe('the secret vault (main process)', () => {
  it('seals a secret into a blob without it, and opens the blob again', async () => {
    const { vault, logger } = setup();
    expect(await vault.handle({ type: 'vault', id: 1, op: 'status' })).toEqual({
      type: 'vault-reply',
      id: 1,
      ok: true,
      data: { sealing: true },
    });
    const sealed = await vault.handle({ type: 'vault', id: 2, op: 'seal', secret: SECRET });
    expect(sealed).toMatchObject({ id: 2, ok: true });
    const blob = (sealed as { data: { sealed: string } }).data.sealed;
    neverLeaks(blob);
    neverLeaks(Buffer.from(blob, 'base64').toString('latin1'));
    expect(await vault.handle({ type: 'vault', id: 3, op: 'open', sealed: blob })).toEqual({
      type: 'vault-reply',
      id: 3,
      ok: true,
      data: { secret: SECRET, stale: false },
    });
    expect(logger.records.filter((r) => r.level !== 'debug')).toEqual([]);
  });

  it('says when the keychain rotated its key (the blob should be sealed again)', async () => {
    const { vault } = setup({ stale: true });
    const sealed = await vault.handle({ type: 'vault', id: 1, op: 'seal', secret: SECRET });
    const blob = (sealed as { data: { sealed: string } }).data.sealed;
    expect(await vault.handle({ type: 'vault', id: 2, op: 'open', sealed: blob })).toMatchObject({
      ok: true,
      data: { secret: SECRET, stale: true },
    });
  });

  it('refuses to open a blob another keychain sealed, without logging it', async () => {
    const other = setup({ key: 0x11 });
    const sealed = await other.vault.handle({ type: 'vault', id: 1, op: 'seal', secret: SECRET });
    const blob = (sealed as { data: { sealed: string } }).data.sealed;
    const { vault, logger } = setup({ key: 0x22 });
    expect(await vault.handle({ type: 'vault', id: 2, op: 'open', sealed: blob })).toEqual({
      type: 'vault-reply',
      id: 2,
      ok: false,
      error: { kind: 'corrupt', message: 'The OS keychain could not open the sealed secret' },
    });
    expect(logger.records.map((r) => r.message)).toEqual([
      'the OS keychain could not open a sealed secret',
    ]);
    expect(logger.text()).not.toContain(blob.slice(0, 16));
    neverLeaks(logger.text());
  });

  for (const [name, options, platform, reason] of [
    ['no keychain (encryption unavailable)', { available: false }, 'win32', 'not available'],
    [
      'Linux without a keyring (basic_text)',
      { backend: 'basic_text' as const },
      'linux',
      'basic_text',
    ],
  ] as const) {
    it(`falls back with ONE clear warning: ${name}`, async () => {
      const { vault, logger, safeStorage } = setup(options, platform);
      expect(await vault.handle({ type: 'vault', id: 1, op: 'status' })).toMatchObject({
        ok: true,
        data: { sealing: false },
      });
      expect(await vault.handle({ type: 'vault', id: 2, op: 'seal', secret: SECRET })).toEqual({
        type: 'vault-reply',
        id: 2,
        ok: false,
        error: { kind: 'unavailable', message: 'The OS keychain is not available' },
      });
      await vault.handle({ type: 'vault', id: 3, op: 'status' });
      await vault.handle({ type: 'vault', id: 4, op: 'open', sealed: 'AAAA' });
      expect(safeStorage.sealedCount).toBe(0);
      const warnings = logger.records.filter((r) => r.level === 'warn');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.message).toContain('NOT sealed by the OS keychain');
      expect(warnings[0]?.message).toContain('owner-only');
      expect(JSON.stringify(warnings[0])).toContain(reason);
      neverLeaks(logger.text());
    });
  }

  it("looks at the storage backend on Linux only ('basic_text' is a Linux name)", async () => {
    const { vault, logger } = setup({ backend: 'basic_text' }, 'darwin');
    expect(await vault.handle({ type: 'vault', id: 1, op: 'status' })).toMatchObject({
      data: { sealing: true },
    });
    expect(logger.records).toEqual([]);
  });

  it('refuses malformed requests: an error answer when it has an id, nothing otherwise', async () => {
    const { vault, logger, safeStorage } = setup();
    const withId = [
      { type: 'vault', id: 1, op: 'seal' },
      { type: 'vault', id: 2, op: 'seal', secret: '' },
      { type: 'vault', id: 3, op: 'seal', secret: 'x'.repeat(1_025) },
      { type: 'vault', id: 4, op: 'seal', secret: 42 },
      { type: 'vault', id: 5, op: 'seal', secret: SECRET, extra: SECRET },
      { type: 'vault', id: 6, op: 'open', sealed: 'not base64!' },
      { type: 'vault', id: 7, op: 'open', sealed: 'A'.repeat(8_200) },
      { type: 'vault', id: 8, op: 'delete', secret: SECRET },
      { type: 'other', id: 9, op: 'status' },
    ];
    for (const message of withId) {
      expect(await vault.handle(message)).toEqual({
        type: 'vault-reply',
        id: message.id,
        ok: false,
        error: { kind: 'validation', message: 'Malformed vault request' },
      });
    }
    for (const message of [
      null,
      'seal',
      42,
      [],
      { type: 'vault', op: 'seal', secret: SECRET },
      { type: 'vault', id: -1, op: 'status' },
      { type: 'vault', id: 1.5, op: 'status' },
      { type: 'vault', id: '1', op: 'status' },
    ]) {
      expect(await vault.handle(message)).toBeNull();
    }
    expect(safeStorage.sealedCount).toBe(0);
    expect(
      logger.records.filter((r) => r.message === 'malformed vault request refused'),
    ).toHaveLength(17);
    neverLeaks(logger.text());
  });
});

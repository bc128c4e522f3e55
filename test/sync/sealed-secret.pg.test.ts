/**
 * Security (issue 12, finding 7, desktop half): a till whose secrets are sealed by the OS
 * keychain (the main process's vault with a fake safeStorage, reached through the real vault
 * client) enrolls, restarts and pushes against the real HQ; its database and files never hold
 * the credential; a till enrolled before sealing (or without a keyring) has its plain
 * credential sealed and erased at the next start; a sealed till opened where the secret cannot
 * be opened keeps selling and says why it cannot sync, and never logs the secret; a sealed till
 * whose counter went backwards continues as a new device with a sealed secret.
 */
import { cp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vaultSealer } from '../../electron/backend/vault-client';
import type { SecretSealer } from '../../contract/secret-vault';
import { connectedVault, recordingLogger } from '../fixtures/safe-storage';
import { makeTempDir } from '../fixtures/till';
import {
  addRegister,
  eventually,
  hqSales,
  hqSalesOf,
  openSyncTill,
  ringSale,
  startTestHq,
  type TestHq,
  type TestTillHandle,
} from './harness';

let hq: TestHq;

beforeAll(async () => {
  hq = await startTestHq();
  await addRegister(hq, 'seattle', 'R02');
  await addRegister(hq, 'seattle', 'R03');
  await addRegister(hq, 'seattle', 'R04');
});

afterAll(async () => {
  await hq?.close();
});

interface DeviceRow {
  token: string | null;
  token_sealed: Uint8Array | null;
  rebase_secret: string | null;
}

async function deviceRow(t: TestTillHandle): Promise<DeviceRow> {
  const { rows } = await t.store.db.query<DeviceRow>(
    `SELECT token, token_sealed, rebase_secret FROM pos.sync_device`,
  );
  return rows[0]!;
}

async function sealerOf(options: Parameters<typeof connectedVault>[0] = {}) {
  return vaultSealer(connectedVault(options).client);
}

/** Files under `dir` whose bytes contain `needle`. */
async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if ((await readFile(path)).includes(needle)) found.push(path);
  }
  return found;
}

/** The random part of a device token (`<store>.<device>.<secret>`). */
function secretPart(token: string): string {
  const part = token.split('.').at(-1) ?? '';
  expect(part.length).toBeGreaterThanOrEqual(32);
  return part;
}

describe('a till whose secrets are sealed by the OS keychain', () => {
  it('enrolls, restarts and pushes; neither its database nor its files hold the credential', async () => {
    const logger = recordingLogger();
    const sealer = (await sealerOf()) as SecretSealer;
    expect(sealer).not.toBeNull();
    const first = await openSyncTill({
      url: hq.url,
      code: await hq.code('seattle'),
      storeId: 'seattle',
      client: { sealer, logger },
    });
    const dir = first.dir;
    try {
      const row = await deviceRow(first);
      expect(row.token).toBeNull();
      expect(row.token_sealed).toBeInstanceOf(Uint8Array);
      const token = (await sealer.open(row.token_sealed!)).secret;
      expect(token).toMatch(/^seattle\./);
      const secret = secretPart(token);
      expect(
        (await first.store.db.query(`SELECT 1 FROM pos.pending_enrollment`)).rows,
      ).toHaveLength(0);
      await first.close({ keepDir: true });
      // Never written as is: not in a table file, not in the WAL, not in the sale journal.
      expect(await filesContaining(dir, secret)).toEqual([]);

      // Restart (a new backend process: a new vault connection, the same keychain).
      const again = await openSyncTill({
        url: hq.url,
        storeId: 'seattle',
        dir,
        client: { sealer: await sealerOf(), logger },
      });
      try {
        const before = await hqSales(hq, 'seattle');
        await ringSale(again);
        await again.client.drain();
        expect((await hqSales(hq, 'seattle')).count).toBe(before.count + 1);
        expect((await again.client.status()).lastError).toBeNull();
      } finally {
        await again.close({ keepDir: true });
      }
      expect(logger.text()).not.toContain(secret);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('seals a plain credential at the next start (no keyring at enrollment) and erases it', async () => {
    const logger = recordingLogger();
    // First run on Linux without a keyring: the vault cannot seal, the secret stays as is.
    expect(await sealerOf({ backend: 'basic_text' })).toBeNull();
    const plain = await openSyncTill({
      url: hq.url,
      code: await hq.code('seattle', 'R02'),
      storeId: 'seattle',
      client: { sealer: null, logger },
    });
    const dir = plain.dir;
    try {
      const row = await deviceRow(plain);
      expect(row.token_sealed).toBeNull();
      const token = row.token!;
      const secret = secretPart(token);
      const oldFile = join(
        dir,
        'pgdata',
        (
          await plain.store.db.query<{ path: string }>(
            `SELECT pg_relation_filepath('pos.sync_device') AS path`,
          )
        ).rows[0]!.path,
      );
      await plain.close({ keepDir: true });
      // The check below can fail: the plain token is in the table's file now.
      expect((await readFile(oldFile)).includes(secret)).toBe(true);

      // The keyring is there at the next start: sealed, the plain copy erased.
      const sealer = (await sealerOf()) as SecretSealer;
      const sealed = await openSyncTill({
        url: hq.url,
        storeId: 'seattle',
        dir,
        client: { sealer, logger },
      });
      try {
        const after = await deviceRow(sealed);
        expect(after.token).toBeNull();
        expect((await sealer.open(after.token_sealed!)).secret).toBe(token);
        const newFile = join(
          dir,
          'pgdata',
          (
            await sealed.store.db.query<{ path: string }>(
              `SELECT pg_relation_filepath('pos.sync_device') AS path`,
            )
          ).rows[0]!.path,
        );
        expect(newFile).not.toBe(oldFile);
        expect((await readFile(newFile)).includes(secret)).toBe(false);
        const before = await hqSales(hq, 'seattle');
        await ringSale(sealed);
        await sealed.client.drain();
        expect((await hqSales(hq, 'seattle')).count).toBe(before.count + 1);
      } finally {
        await sealed.close({ keepDir: true });
      }
      // The old table file is gone (VACUUM FULL, then the checkpoint at close).
      expect(await stat(oldFile).catch(() => null)).toBeNull();
      expect(logger.records.map((r) => r.message)).toContain(
        'till secrets sealed by the OS keychain; plain copies erased',
      );
      expect(logger.text()).not.toContain(secret);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps selling where the sealed credential cannot be opened, and syncs once it can', async () => {
    const logger = recordingLogger();
    const first = await openSyncTill({
      url: hq.url,
      code: await hq.code('seattle', 'R03'),
      storeId: 'seattle',
      client: { sealer: await sealerOf({ key: 7 }), logger },
    });
    const dir = first.dir;
    try {
      await first.close({ keepDir: true });
      for (const sealer of [null, await sealerOf({ key: 8 })]) {
        // The CLI or web till (no sealer), or another machine's keychain (another key).
        const elsewhere = await openSyncTill({
          url: hq.url,
          storeId: 'seattle',
          dir,
          client: { sealer, logger },
        });
        try {
          const status = await elsewhere.client.status();
          expect(status.lastError).toMatch(
            sealer ? /OS keychain could not open the device credential/ : /sealed by the desktop/,
          );
          await ringSale(elsewhere);
        } finally {
          await elsewhere.close({ keepDir: true });
        }
      }
      const before = await hqSales(hq, 'seattle');
      const back = await openSyncTill({
        url: hq.url,
        storeId: 'seattle',
        dir,
        client: { sealer: await sealerOf({ key: 7 }), logger },
      });
      try {
        await back.client.drain();
        await eventually(async () =>
          expect((await hqSales(hq, 'seattle')).count).toBe(before.count + 2),
        );
        const row = await deviceRow(back);
        expect(row.token).toBeNull();
      } finally {
        await back.close({ keepDir: true });
      }
      expect(logger.records.filter((r) => r.message === 'sync cannot start')).toHaveLength(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('continues as a new device with sealed secrets when its counter went backwards', async () => {
    const logger = recordingLogger();
    const sealer = (await sealerOf()) as SecretSealer;
    const open = (dir: string, code?: string) =>
      openSyncTill({
        url: hq.url,
        storeId: 'seattle',
        dir,
        ...(code ? { code } : {}),
        client: { sealer, logger },
      });
    const dir = await makeTempDir('edge-pos-sealed-restore-');
    const backup = await makeTempDir('edge-pos-sealed-backup-');
    try {
      let t = await open(dir, await hq.code('seattle', 'R04'));
      await ringSale(t);
      await t.client.syncNow();
      const oldDevice = t.client.snapshot().deviceId;
      await t.close({ keepDir: true });
      await rm(backup, { recursive: true, force: true });
      await cp(dir, backup, { recursive: true });
      t = await open(dir);
      await ringSale(t, { offset: 2 });
      await t.client.syncNow();
      await t.close({ keepDir: true });

      // Restored without the journal written since: mutation 2 is used again, other content.
      await rm(dir, { recursive: true, force: true });
      await cp(backup, dir, { recursive: true });
      await rm(join(dir, 'sale-journal.ndjson'), { force: true });
      t = await open(dir);
      const sale = await ringSale(t, { lines: 3, offset: 4 });
      await t.client.syncNow().catch(() => undefined);
      await eventually(async () => {
        const status = await t.client.status();
        expect(status.pendingCount).toBe(0);
        expect(status.deviceId).not.toBe(oldDevice);
      });
      const { rows } = await t.store.db.query<{
        token: string | null;
        token_sealed: Uint8Array | null;
        rebase_device_id: string | null;
      }>(`SELECT token, token_sealed, rebase_device_id FROM pos.sync_device`);
      expect(rows[0]).toMatchObject({ token: null, rebase_device_id: null });
      const token = (await sealer.open(rows[0]!.token_sealed!)).secret;
      expect(token).toContain(t.client.snapshot().deviceId!);
      expect((await hqSalesOf(hq, 'seattle')).get(sale.receipt.transactionId)).toBe(
        sale.receipt.totalCents,
      );
      await t.close({ keepDir: true });
      expect(await filesContaining(dir, secretPart(token))).toEqual([]);
      expect(logger.text()).not.toContain(secretPart(token));
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(backup, { recursive: true, force: true });
    }
  });
});

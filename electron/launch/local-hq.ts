/**
 * A local HQ for `npm start` / `npm run web` and the end-to-end tests: the sync service on the
 * embedded PostgreSQL (hq/start.ts startHq), seeded with the sample chain on first start,
 * plus the one admin call a launcher needs: a one-time enrollment code for a register.
 */
import type { Logger as PinoLogger } from 'pino';
import type { DeviceSyncState } from '../../contract/admin-protocol';
import { startHq, type Hq, type StartHqOptions } from '../../hq/start';

export interface LocalHq {
  hq: Hq;
  url: string;
  /** Whether the register has an active till at HQ (the HQ admin API's device listing). */
  registerEnrolled(storeId: string, registerId: string): Promise<boolean>;
  /** A one-time enrollment code for `storeId`/`registerId` (the HQ admin API). */
  enrollmentCode(storeId: string, registerId: string): Promise<string>;
  close(): Promise<void>;
}

export async function startLocalHq(options: {
  dataDir: string;
  port?: number;
  logger?: PinoLogger;
  adminToken?: string;
  durable?: boolean;
  seed?: StartHqOptions['seed'];
  consoleDir?: string | undefined;
  consoleAdmin?: StartHqOptions['consoleAdmin'];
  clock?: StartHqOptions['clock'];
}): Promise<LocalHq> {
  const hq = await startHq({
    dataDir: options.dataDir,
    host: '127.0.0.1',
    port: options.port,
    logger: options.logger,
    adminToken: options.adminToken,
    durable: options.durable,
    seed: options.seed,
    consoleDir: options.consoleDir,
    consoleAdmin: options.consoleAdmin,
    clock: options.clock,
  });
  return {
    hq,
    url: hq.url,
    registerEnrolled: async (storeId, registerId) => {
      const response = await fetch(
        `${hq.url}/admin/v1/devices?storeId=${encodeURIComponent(storeId)}`,
        { headers: { authorization: `Bearer ${hq.adminToken}` } },
      );
      const body = (await response.json()) as {
        ok: boolean;
        data?: { devices: DeviceSyncState[] };
        error?: { message: string };
      };
      if (!body.ok || !body.data)
        throw new Error(`HQ did not list its tills: ${body.error?.message ?? response.status}`);
      return body.data.devices.some(
        (d) => d.registerId === registerId && d.revokedAt === null && d.supersededBy === null,
      );
    },
    enrollmentCode: async (storeId, registerId) => {
      const response = await fetch(`${hq.url}/admin/v1/enrollment-codes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${hq.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ storeId, registerId, label: 'local launcher' }),
      });
      const body = (await response.json()) as {
        ok: boolean;
        data?: { code: string };
        error?: { message: string };
      };
      if (!body.ok || !body.data)
        throw new Error(`HQ refused an enrollment code: ${body.error?.message ?? response.status}`);
      return body.data.code;
    },
    close: () => hq.close(),
  };
}

/** `npm run hq:admin` commands for tills: enrollment codes, the admin token, devices, revoke, resync. */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { adminTokenPath, loadOrCreateAdminToken, rotateAdminToken } from '../../ops/admin-token';
import type { DeviceSyncState } from '../../../contract/admin-protocol';
import type { AdminClient } from './client';
import { ago, intArg } from './args';

export function registerDeviceCommands(
  program: Command,
  { api, print, dataDir }: AdminClient,
): void {
  program
    .command('code <storeId> <registerId>')
    .description('create a one-time enrollment code for a till')
    .option('--ttl <minutes>', 'minutes until it expires', intArg, 60)
    .option('--label <label>', 'a name for the till')
    .option('--replace', "the new till replaces the register's active one (revoked at enrollment)")
    .action(
      async (
        storeId: string,
        registerId: string,
        o: { ttl: number; label?: string; replace?: boolean },
      ) => {
        const created = await api<{ code: string; expiresAt: string }>(
          'POST',
          '/enrollment-codes',
          {
            storeId,
            registerId,
            ttlMinutes: o.ttl,
            label: o.label || undefined,
            ...(o.replace ? { replace: true } : {}),
          },
        );
        const replaces = o.replace
          ? `\nEnrolling with it revokes the till that holds ${storeId} ${registerId} now`
          : '';
        print(
          created,
          () =>
            `Enrollment code: ${created.code}\nValid until ${created.expiresAt} (one use)${replaces}`,
        );
      },
    );

  const tokenCommand = program.command('token').description('the HQ admin token in <data-dir>');

  tokenCommand
    .command('show')
    .description('print the admin token to this terminal (HQ itself never prints or logs it)')
    .action(() => {
      const dir = dataDir();
      if (!existsSync(adminTokenPath(dir))) {
        throw new Error(`No admin token in ${dir}: start HQ once with "npm run hq"`);
      }
      process.stdout.write(`${loadOrCreateAdminToken(dir)}\n`);
    });

  tokenCommand
    .command('rotate')
    .description('replace the admin token; a running HQ accepts only the new one from now on')
    .action(() => {
      const dir = dataDir();
      if (process.env.EDGEPOS_ADMIN_TOKEN) {
        throw new Error(
          'EDGEPOS_ADMIN_TOKEN is set: that token is chosen outside HQ; change it there',
        );
      }
      rotateAdminToken(dir);
      process.stdout.write(
        `New admin token stored in ${adminTokenPath(dir)} (owner-only); the old one no longer works.\n` +
          `Show it: npm run hq:admin -- token show\n`,
      );
    });

  program
    .command('devices')
    .description('enrolled tills and their sync state')
    .option('--store <storeId>')
    .action(async (o: { store?: string }) => {
      const { devices } = await api<{ devices: DeviceSyncState[] }>(
        'GET',
        `/devices${o.store ? `?storeId=${encodeURIComponent(o.store)}` : ''}`,
      );
      print(devices, () =>
        devices.length === 0
          ? 'No tills enrolled.'
          : devices
              .map(
                (d) =>
                  `${d.storeId}/${d.registerId} ${d.deviceId}${d.revokedAt ? ` REVOKED (${d.revokedReason ?? ''})` : ''}${d.rebasedFrom ? ` rebased from ${d.rebasedFrom}` : ''}${d.supersededBy ? ` superseded by ${d.supersededBy}` : ''}${d.counterConflictAt ? ` counter conflict ${ago(d.counterConflictAt)}` : ''}\n` +
                  `  last seen ${ago(d.lastSeenAt)}, push ${ago(d.lastPushAt)}, pull ${ago(d.lastPullAt)}; ` +
                  `mutations applied ${d.lastMutationId}, rejected ${d.rejectedCount}, ` +
                  `pending at till ${d.reportedPending ?? '?'}, feed lag ${d.cursorLag ?? '?'} entries`,
              )
              .join('\n'),
      );
    });

  program
    .command('revoke <storeId> <deviceId>')
    .description("revoke a till's credential and every device of its lineage (rebases)")
    .requiredOption('--reason <reason>')
    .action(async (storeId: string, deviceId: string, o: { reason: string }) => {
      const r = await api<{ devices: string[] }>(
        'POST',
        `/stores/${storeId}/devices/${deviceId}/revoke`,
        { reason: o.reason },
      );
      const others = r.devices.filter((d) => d !== deviceId);
      print(
        r,
        () =>
          `Revoked ${deviceId}.` +
          (others.length > 0 ? ` Also revoked its lineage (rebases): ${others.join(', ')}.` : ''),
      );
    });

  program
    .command('resync <storeId> <deviceId>')
    .description('make a till download its catalog afresh at its next sync')
    .action(async (storeId: string, deviceId: string) => {
      const r = await api('POST', `/stores/${storeId}/devices/${deviceId}/resync`);
      print(r, () => `Resync requested for ${deviceId}.`);
    });
}

/**
 * `hq db start|bootstrap`: the HQ database server (embedded, or the one DATABASE_URL names).
 */
import type { Command } from 'commander';
import { bootstrapCentral } from '../../../db/central/bootstrap';
import { roleUrl } from '../../../db/central/connection';
import { resolveTarget, startCentral } from '../../ops/central';
import type { HqDbCli } from './context';

export function serverCommands(program: Command, cli: HqDbCli): void {
  const { centralOptions, makeLogger, print } = cli;
  const db = program.command('db').description('the HQ database server');

  db.command('start')
    .description(
      'start the embedded server (or connect to DATABASE_URL), bootstrap, migrate, and wait',
    )
    .option('--show-passwords', 'print role URLs with their passwords')
    .action(async (opts: { showPasswords?: boolean }) => {
      const logger = makeLogger();
      const central = await startCentral(centralOptions(logger));
      const redact = !opts.showPasswords;
      const urls = {
        admin: roleUrl(central.target, 'admin', { redact }),
        owner: roleUrl(central.target, 'owner', { redact }),
        app: roleUrl(central.target, 'app', { redact }),
        reporting: roleUrl(central.target, 'reporting', { redact }),
      };
      print({ mode: central.mode, urls }, () =>
        [
          `HQ database ready (${central.mode}${central.server?.reused ? ', already running' : ''})`,
          ...Object.entries(urls).map(([role, url]) => `  ${role.padEnd(9)} ${url}`),
          central.server && !central.server.reused ? 'Press Ctrl-C to stop.' : '',
        ].join('\n'),
      );
      if (!central.server || central.server.reused) {
        await central.stop();
        return;
      }
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await central.stop();
    });

  db.command('bootstrap')
    .description('create or repair the roles and the database (superuser)')
    .action(async () => {
      const logger = makeLogger();
      const { target, server } = await resolveTarget(centralOptions(logger));
      try {
        const result = await bootstrapCentral(target, { logger });
        print(result, () => `Bootstrap done: ${JSON.stringify(result)}`);
      } finally {
        await server?.stop();
      }
    });
}

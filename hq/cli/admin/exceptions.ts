/** `npm run hq:admin` commands for exceptions, the quarantine and reconciliation. */
import type { Command } from 'commander';
import type {
  ExceptionView,
  QuarantinedMutation,
  ReapplyResult,
  Reconciliation,
} from '../../../contract/admin-protocol';
import { ReconcileRequest } from '../../../contract/admin-protocol';
import { reconciliationText } from '../reconcile-text';
import type { AdminClient } from './client';
import { intArg, queryString } from './args';

export function registerExceptionCommands(program: Command, { api, print }: AdminClient): void {
  program
    .command('exceptions')
    .description('what HQ found wrong around the facts tills sent, for a person to work')
    .option('--store <storeId>')
    .option('--status <status>', 'open or resolved (default: both)')
    .option('--kind <kind>', 'e.g. customer_email_shared, receipt_number_taken, quarantined')
    .option('--entity <entity>', 'sale, void, customer, shift, z_report, ...')
    .option('--limit <n>', 'at most this many (default 100)', intArg)
    .action(
      async (o: {
        store?: string;
        status?: string;
        kind?: string;
        entity?: string;
        limit?: number;
      }) => {
        const { exceptions } = await api<{ exceptions: ExceptionView[] }>(
          'GET',
          `/exceptions${queryString({ storeId: o.store, status: o.status, kind: o.kind, entity: o.entity, limit: o.limit })}`,
        );
        print(exceptions, () =>
          exceptions.length === 0
            ? 'No exceptions.'
            : exceptions
                .map(
                  (e) =>
                    `${e.storeId} ${e.exceptionId} ${e.kind} ${e.status.toUpperCase()} (${e.createdAt})\n` +
                    `  ${e.reason}\n  To do: ${e.todo}` +
                    (e.status === 'resolved'
                      ? `\n  Resolved by ${e.resolvedBy ?? '?'} at ${e.resolvedAt ?? '?'}: ${e.resolution ?? ''}`
                      : ''),
                )
                .join('\n'),
        );
      },
    );

  program
    .command('resolve <storeId> <exceptionId>')
    .description('mark an exception resolved, saying who and what was done')
    .requiredOption('--by <name>', 'who resolved it')
    .requiredOption('--resolution <text>', 'what was done')
    .action(async (storeId: string, exceptionId: string, o: { by: string; resolution: string }) => {
      const e = await api<ExceptionView>(
        'POST',
        `/stores/${storeId}/exceptions/${exceptionId}/resolve`,
        { resolvedBy: o.by, resolution: o.resolution },
      );
      print(e, () => `Resolved ${e.exceptionId} (${e.kind}) by ${e.resolvedBy ?? ''}.`);
    });

  program
    .command('quarantine')
    .description('mutations HQ could not record, kept whole for re-applying')
    .option('--store <storeId>')
    .option('--status <status>', 'held, applied or dismissed (default: all)')
    .option('--limit <n>', 'at most this many (default 100)', intArg)
    .action(async (o: { store?: string; status?: string; limit?: number }) => {
      const { quarantine } = await api<{ quarantine: QuarantinedMutation[] }>(
        'GET',
        `/quarantine${queryString({ storeId: o.store, status: o.status, limit: o.limit })}`,
      );
      print(quarantine, () =>
        quarantine.length === 0
          ? 'Nothing in the quarantine.'
          : quarantine
              .map(
                (q) =>
                  `${q.storeId} device ${q.deviceId} mutation ${q.mutationId} ${q.mutationType} ${q.status.toUpperCase()} (${q.attempts} attempt(s))\n` +
                  `  ${q.code}: ${q.message}` +
                  (q.resolvedBy
                    ? `\n  ${q.resolution ?? ''} (${q.resolvedBy}, ${q.resolvedAt ?? ''})`
                    : ''),
              )
              .join('\n'),
      );
    });

  program
    .command('reapply <storeId> <deviceId> <mutationId>')
    .description('apply a quarantined mutation again, after its cause was fixed')
    .requiredOption('--by <name>', 'who re-applies it')
    .action(async (storeId: string, deviceId: string, mutationId: string, o: { by: string }) => {
      const r = await api<ReapplyResult>(
        'POST',
        `/stores/${storeId}/quarantine/${deviceId}/${intArg(mutationId)}/reapply`,
        { by: o.by },
      );
      print(r, () =>
        r.status === 'rejected'
          ? `Still refused (${r.code ?? ''}): ${r.message ?? ''}. It stays in the quarantine.`
          : `Recorded (${r.status}).${r.exceptions.map((e) => `\n  Exception ${e.kind}: ${e.reason}`).join('')}`,
      );
    });

  program
    .command('dismiss <storeId> <deviceId> <mutationId>')
    .description('decide not to apply a quarantined mutation (kept, with the reason)')
    .requiredOption('--by <name>', 'who decides')
    .requiredOption('--reason <text>', 'why it is not applied')
    .action(
      async (
        storeId: string,
        deviceId: string,
        mutationId: string,
        o: { by: string; reason: string },
      ) => {
        const r = await api(
          'POST',
          `/stores/${storeId}/quarantine/${deviceId}/${intArg(mutationId)}/dismiss`,
          { by: o.by, reason: o.reason },
        );
        print(r, () => `Dismissed mutation ${mutationId} of ${deviceId}.`);
      },
    );

  program
    .command('reconcile')
    .description("compare each store's Z reports of a day with the facts HQ holds")
    .requiredOption('--date <YYYY-MM-DD>', "the day, in each store's timezone")
    .option('--store <storeId>', 'only this store')
    .action(async (o: { date: string; store?: string }) => {
      const request = ReconcileRequest.safeParse({ date: o.date, storeId: o.store });
      if (!request.success) {
        throw new Error(`expected --date as YYYY-MM-DD (a real day) and a store ID: ${o.date}`);
      }
      const r = await api<Reconciliation>('POST', '/reconcile', request.data);
      print(r, () => reconciliationText(r));
    });
}

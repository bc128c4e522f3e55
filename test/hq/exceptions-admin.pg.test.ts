/**
 * Exceptions are worked, not hidden (issue 11): the admin API and `npm run hq:admin` list them
 * with filters, each with a plain-language reason and what to do; resolving one records who,
 * when and what; quarantined mutations are listed whole, re-applied after a fix or dismissed
 * with a reason. Real HQ service on the real PostgreSQL.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ExceptionView,
  QuarantinedMutation,
  ReapplyResult,
} from '../../contract/admin-protocol';
import type { Mutation } from '../../contract/mutations';
import { seededIdGenerator } from '../../core/ids';
import { ingestMutations } from '../../db/central/ingest';
import { withTenant } from '../../db/central/tenant';
import { demoStaff } from '../../db/seed/chain';
import { ADMIN_TOKEN, startTestHq, type TestHq } from '../sync/harness';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const ids = seededIdGenerator(91, Date.UTC(2026, 10, 8));
const S = 'bellevue';
const DEVICE = 'admin-test-device';
let hq: TestHq;

type Envelope<T> = { ok: true; data: T } | { ok: false; error: { kind: string; message: string } };

beforeAll(async () => {
  hq = await startTestHq();
});
afterAll(async () => {
  await hq?.close();
});

function cashMoved(shiftId: string, mutationId: number): Mutation {
  return {
    mutationId,
    type: 'shift.cash_moved',
    payload: {
      movementId: ids(),
      shiftId,
      kind: 'in',
      amountCents: 500,
      reason: 'float top-up',
      staffId: demoStaff(S)[1]!.staffId,
      occurredAt: '2026-12-01T10:00:00.000Z',
    },
  };
}

describe('the admin API and CLI', () => {
  it('list, resolve with who and what, re-apply and dismiss', async () => {
    const staff = demoStaff(S)[1]!.staffId;
    const shiftId = ids();
    const email = 'shared.admin@example.com';
    // A customer created twice offline, and two cash movements for a shift HQ lacks.
    const mutations: Mutation[] = [
      {
        mutationId: 1,
        type: 'customer.created',
        payload: {
          customerId: ids(),
          firstName: 'Ola',
          lastName: 'First',
          email,
          phone: null,
          createdAt: '2026-12-01T09:00:00.000Z',
        },
      },
      {
        mutationId: 2,
        type: 'customer.created',
        payload: {
          customerId: ids(),
          firstName: 'Ola',
          lastName: 'Second',
          email,
          phone: null,
          createdAt: '2026-12-01T09:05:00.000Z',
        },
      },
      cashMoved(shiftId, 3),
      cashMoved(shiftId, 4),
    ];
    await withTenant(hq.db.pools.app, S, (tx) =>
      ingestMutations(tx, { deviceId: DEVICE, mutations }),
    );

    const list = await hq.admin<Envelope<{ exceptions: ExceptionView[] }>>(
      'GET',
      `/exceptions?storeId=${S}&status=open&kind=customer_email_shared`,
    );
    expect(list.status).toBe(200);
    if (!list.body.ok) throw new Error(list.body.error.message);
    const [shared] = list.body.data.exceptions;
    expect(list.body.data.exceptions).toHaveLength(1);
    expect(shared).toMatchObject({
      storeId: S,
      kind: 'customer_email_shared',
      entity: 'customer',
      deviceId: DEVICE,
      mutationId: 2,
      status: 'open',
    });
    expect(shared!.reason).toContain(email);
    expect(shared!.todo).toMatch(/merge/);

    const resolved = await hq.admin<Envelope<ExceptionView>>(
      'POST',
      `/stores/${S}/exceptions/${shared!.exceptionId}/resolve`,
      { resolvedBy: 'Ana (HQ)', resolution: 'Same person: merged into the first record' },
    );
    expect(resolved.status).toBe(200);
    expect(resolved.body.ok && resolved.body.data).toMatchObject({
      status: 'resolved',
      resolvedBy: 'Ana (HQ)',
      resolution: 'Same person: merged into the first record',
    });
    const twice = await hq.admin('POST', `/stores/${S}/exceptions/${shared!.exceptionId}/resolve`, {
      resolvedBy: 'Bo',
      resolution: 'again',
    });
    expect(twice.status).toBe(409);
    const bad = await hq.admin('POST', `/stores/${S}/exceptions/${shared!.exceptionId}/resolve`, {
      resolvedBy: '',
      resolution: 'x',
    });
    expect(bad.status).toBe(400);

    // The quarantine: both cash movements held whole.
    const held = await hq.admin<Envelope<{ quarantine: QuarantinedMutation[] }>>(
      'GET',
      `/quarantine?storeId=${S}&status=held`,
    );
    if (!held.body.ok) throw new Error(held.body.error.message);
    expect(held.body.data.quarantine.map((q) => [q.mutationId, q.code])).toEqual([
      [4, 'unknown_shift'],
      [3, 'unknown_shift'],
    ]);
    expect(held.body.data.quarantine[1]!.mutation).toEqual(mutations[2]);

    // The cause is fixed (the shift arrives), then one is re-applied and one dismissed.
    await withTenant(hq.db.pools.app, S, (tx) =>
      ingestMutations(tx, {
        deviceId: DEVICE,
        mutations: [
          {
            mutationId: 5,
            type: 'shift.opened',
            payload: {
              shiftId,
              registerId: 'R01',
              openedBy: staff,
              openedAt: '2026-12-01T08:00:00.000Z',
              openingFloatCents: 0,
            },
          },
        ],
      }),
    );
    const reapplied = await hq.admin<Envelope<ReapplyResult>>(
      'POST',
      `/stores/${S}/quarantine/${DEVICE}/3/reapply`,
      { by: 'Ana (HQ)' },
    );
    expect(reapplied.body.ok && reapplied.body.data.status).toBe('applied');

    // The CLI prints the same, in words.
    const cli = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'hq/cli/hq-admin.ts',
        '--url',
        hq.url,
        '--token',
        ADMIN_TOKEN,
        'dismiss',
        S,
        DEVICE,
        '4',
        '--by',
        'Bo (HQ)',
        '--reason',
        'counted twice at the till',
      ],
      { cwd: ROOT },
    );
    expect(cli.stdout).toContain('Dismissed mutation 4');
    const listed = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'hq/cli/hq-admin.ts',
        '--url',
        hq.url,
        '--token',
        ADMIN_TOKEN,
        'exceptions',
        '--store',
        S,
        '--kind',
        'quarantined',
      ],
      { cwd: ROOT },
    );
    expect(listed.stdout).toContain('RESOLVED');
    expect(listed.stdout).toContain('Resolved by Ana (HQ)');
    expect(listed.stdout).toContain('Resolved by Bo (HQ)');
    expect(listed.stdout).not.toContain(' OPEN ');
    const after = await hq.admin<Envelope<{ quarantine: QuarantinedMutation[] }>>(
      'GET',
      `/quarantine?storeId=${S}`,
    );
    if (!after.body.ok) throw new Error(after.body.error.message);
    expect(after.body.data.quarantine.map((q) => [q.mutationId, q.status, q.resolvedBy])).toEqual([
      [4, 'dismissed', 'Bo (HQ)'],
      [3, 'applied', 'Ana (HQ)'],
    ]);
  });
});

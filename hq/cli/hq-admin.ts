/**
 * `npm run hq:admin -- <command>`: HQ administration through the admin API of a running HQ
 * (`npm run hq`). It finds the service in <data-dir>/hq.json and the token in
 * <data-dir>/admin-token (default .data/hq), or takes --url/--token ($EDGEPOS_HQ_URL,
 * $EDGEPOS_ADMIN_TOKEN).
 *
 *   code seattle R01 [--ttl 60]          one-time enrollment code for a till
 *   devices [--store seattle]            enrolled tills and their sync state
 *   revoke seattle <deviceId> --reason "stolen"
 *   resync seattle <deviceId>            make a till download its catalog afresh
 *   stores | categories
 *   products seattle [--search tablet]
 *   price seattle ELE-TAB-000003 12.99   (store "all" = every store; SKU or product ID)
 *   product seattle <productId> --name "..." --active false --category 3
 *   delete-product seattle <productId>
 *   category 8 "Garden" [--description "..."] [--inactive]
 *   feed-reset seattle                   every till of the store resyncs
 *   staff-pin seattle <staffId>          set a PIN, read from stdin (never an argument: shell
 *                                        history and process lists would keep it); a
 *                                        manager's needs at least 6 digits
 *   token show                           print the admin token (to this terminal only)
 *   token rotate                         replace the admin token (HQ takes it at once)
 *   exceptions [--store seattle] [--status open] [--kind receipt_number_taken] [--entity sale]
 *   resolve seattle <exceptionId> --by "Ana" --resolution "merged the two records"
 *   quarantine [--store seattle] [--status held]
 *   reapply seattle <deviceId> <mutationId> --by "Ana"
 *   dismiss seattle <deviceId> <mutationId> --by "Ana" --reason "test sale, re-rung by hand"
 *   reconcile --date 2026-11-18 [--store seattle]   each store's day: Z reports against HQ's facts
 *   promotion --name "Spring" --percent 10 --from 2027-03-01T00:00:00Z [--until ...]
 *             [--products <id,...>] [--categories 3,4] [--coupon SPRING10] [--priority 5]
 *             [--store seattle ...]   (or --amount 2.50 | --buy 2 --get 1 [--off 50] | --mix 3 --for 10.00)
 *   promotions seattle                   the store's promotions
 *   promotion-end <promotionId> [--at <ISO time>]   ends it in every store (now by default)
 */
import { Command, InvalidArgumentError } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_HQ_DATA_DIR } from '../ops/embedded-server';
import { adminTokenPath, loadOrCreateAdminToken, rotateAdminToken } from '../ops/admin-token';
import type {
  DeviceSyncState,
  ExceptionView,
  QuarantinedMutation,
  ReapplyResult,
  Reconciliation,
} from '../../contract/admin-protocol';
import { ReconcileRequest } from '../../contract/admin-protocol';
import { reconciliationText } from './reconcile-text';
import { promotionFromOptions, type PromotionOptions } from './promotion-args';
import type { PromotionDefined } from '../../contract/admin-protocol';
import type { PromotionEntity } from '../../contract/catalog';
import { getErrorMessage } from '../../contract/errors';

interface Globals {
  url?: string;
  token?: string;
  dataDir?: string;
  json?: boolean;
}

const program = new Command()
  .name('hq:admin')
  .description('Edge POS HQ administration (talks to a running `npm run hq`)')
  .option('--url <url>', 'HQ sync service URL (default: from <data-dir>/hq.json)')
  .option(
    '--token <token>',
    'admin token (default: $EDGEPOS_ADMIN_TOKEN or <data-dir>/admin-token)',
  )
  .option('--data-dir <dir>', 'HQ data directory (default .data/hq)')
  .option('--json', 'print JSON');

function globals(): Globals {
  return program.opts<Globals>();
}

function connection(): { url: string; token: string } {
  const g = globals();
  const dir = resolve(g.dataDir ?? DEFAULT_HQ_DATA_DIR);
  let url = g.url ?? process.env.EDGEPOS_HQ_URL;
  if (!url && existsSync(join(dir, 'hq.json'))) {
    url = (JSON.parse(readFileSync(join(dir, 'hq.json'), 'utf8')) as { url?: string }).url;
  }
  let token = g.token ?? process.env.EDGEPOS_ADMIN_TOKEN;
  if (!token && existsSync(join(dir, 'admin-token'))) {
    token = readFileSync(join(dir, 'admin-token'), 'utf8').trim();
  }
  if (!url) throw new Error(`No HQ found: start it with "npm run hq" or pass --url`);
  if (!token) throw new Error(`No admin token: pass --token or set EDGEPOS_ADMIN_TOKEN`);
  return { url: url.replace(/\/+$/, ''), token };
}

/** One admin API call. `body` goes out as JSON: a field left undefined is not sent at all. */
async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const { url, token } = connection();
  let response: Response;
  try {
    response = await fetch(`${url}/admin/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new Error(
      `HQ at ${url} is not reachable (${getErrorMessage(error)}). Is "npm run hq" running?`,
      {
        cause: error,
      },
    );
  }
  const json = (await response.json()) as
    { ok: true; data: T } | { ok: false; error: { kind: string; message: string } };
  if (!json.ok)
    throw new Error(`${json.error.message} (${json.error.kind}, HTTP ${response.status})`);
  return json.data;
}

/** All of stdin (a PIN piped or typed then Ctrl+D), so it never appears in argv. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function print(value: unknown, human: () => string): void {
  process.stdout.write(globals().json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

/** "12.99" -> 1299, exactly (no float). */
function priceArg(value: string): number {
  const match = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected a price like 12.99');
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

function intArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

function boolArg(value: string): boolean {
  if (value === 'true' || value === 'yes') return true;
  if (value === 'false' || value === 'no') return false;
  throw new InvalidArgumentError('expected true or false');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function ago(iso: string | null): string {
  if (!iso) return 'never';
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  return s < 120
    ? `${s}s ago`
    : s < 7200
      ? `${Math.round(s / 60)}m ago`
      : `${Math.round(s / 3600)}h ago`;
}

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
      const created = await api<{ code: string; expiresAt: string }>('POST', '/enrollment-codes', {
        storeId,
        registerId,
        ttlMinutes: o.ttl,
        label: o.label || undefined,
        ...(o.replace ? { replace: true } : {}),
      });
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
    const dir = resolve(globals().dataDir ?? DEFAULT_HQ_DATA_DIR);
    if (!existsSync(adminTokenPath(dir))) {
      throw new Error(`No admin token in ${dir}: start HQ once with "npm run hq"`);
    }
    process.stdout.write(`${loadOrCreateAdminToken(dir)}\n`);
  });

tokenCommand
  .command('rotate')
  .description('replace the admin token; a running HQ accepts only the new one from now on')
  .action(() => {
    const dir = resolve(globals().dataDir ?? DEFAULT_HQ_DATA_DIR);
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

program.command('stores').action(async () => {
  const { stores } = await api<{ stores: Array<{ storeId: string; storeName: string }> }>(
    'GET',
    '/stores',
  );
  print(stores, () => stores.map((s) => `${s.storeId}\t${s.storeName}`).join('\n'));
});

program.command('categories').action(async () => {
  const { categories } = await api<{
    categories: Array<{ categoryId: number; categoryName: string; isActive: boolean }>;
  }>('GET', '/categories');
  print(categories, () =>
    categories
      .map((c) => `${c.categoryId}\t${c.categoryName}${c.isActive ? '' : ' (inactive)'}`)
      .join('\n'),
  );
});

program
  .command('category <categoryId> <name>')
  .description('create or rename a category (shared by every store)')
  .option('--description <text>')
  .option('--inactive', 'mark inactive')
  .action(async (id: string, name: string, o: { description?: string; inactive?: boolean }) => {
    const r = await api('PUT', '/categories', {
      categoryId: intArg(id),
      categoryName: name,
      description: o.description,
      isActive: o.inactive ? false : undefined,
    });
    print(r, () => `Category ${id} saved.`);
  });

program
  .command('products <storeId>')
  .option('--search <text>', 'SKU or part of the name')
  .option('--limit <n>', 'rows', intArg, 20)
  .action(async (storeId: string, o: { search?: string; limit: number }) => {
    const q = new URLSearchParams({
      limit: String(o.limit),
      ...(o.search ? { search: o.search } : {}),
    });
    const { products } = await api<{
      products: Array<{ productId: string; sku: string; productName: string; priceCents: number }>;
    }>('GET', `/stores/${storeId}/products?${q.toString()}`);
    print(products, () =>
      products
        .map(
          (p) => `${p.sku}\t${(p.priceCents / 100).toFixed(2)}\t${p.productName}\t${p.productId}`,
        )
        .join('\n'),
    );
  });

program
  .command('price <storeId> <skuOrProductId> <price>')
  .description('change a price (store "all" changes it in every store)')
  .action(async (storeId: string, ref: string, price: string) => {
    const priceCents = priceArg(price);
    const change = UUID.test(ref) ? { productId: ref, priceCents } : { sku: ref, priceCents };
    const r = await api<{ updated: number; unknown: string[] }>('POST', '/prices', {
      storeId: storeId === 'all' ? undefined : storeId,
      changes: [change],
    });
    print(r, () =>
      r.unknown.length > 0 ? `No product ${r.unknown.join(', ')}.` : `Updated ${r.updated} row(s).`,
    );
  });

program
  .command('staff-pin <storeId> <staffId>')
  .description("set a staff member's PIN, read from stdin (a manager's: at least 6 digits)")
  .action(async (storeId: string, staffId: string) => {
    const pin = (await readStdin()).trim();
    const r = await api<{ displayName: string; role: string }>(
      'PUT',
      `/stores/${storeId}/staff/${staffId}/pin`,
      { pin },
    );
    print(r, () => `New PIN set for ${r.displayName} (${r.role}); the store's tills receive it.`);
  });

program
  .command('product <storeId> <productId>')
  .description('edit a product')
  .option('--name <name>')
  .option('--price <price>', 'e.g. 12.99', priceArg)
  .option('--active <bool>', 'true or false', boolArg)
  .option('--category <id>', 'category ID', intArg)
  .option('--description <text>')
  .action(
    async (
      storeId: string,
      productId: string,
      o: {
        name?: string;
        price?: number;
        active?: boolean;
        category?: number;
        description?: string;
      },
    ) => {
      const patch = {
        productName: o.name,
        priceCents: o.price,
        isActive: o.active,
        categoryId: o.category,
        productDescription: o.description,
      };
      const r = await api('PATCH', `/stores/${storeId}/products/${productId}`, patch);
      print(r, () => `Product ${productId} saved.`);
    },
  );

program
  .command('delete-product <storeId> <productId>')
  .action(async (storeId: string, productId: string) => {
    const r = await api('DELETE', `/stores/${storeId}/products/${productId}`);
    print(r, () => `Product ${productId} deleted.`);
  });

program
  .command('feed-reset <storeId>')
  .description("reset a store's change feed: all its tills download their catalog afresh")
  .action(async (storeId: string) => {
    const r = await api('POST', `/stores/${storeId}/feed/reset`);
    print(r, () => `Feed of ${storeId} reset.`);
  });

/** "?a=1&b=2" from the options that are set. */
function queryString(params: Record<string, string | number | undefined>): string {
  const set = Object.entries(params).filter(
    (e): e is [string, string | number] => e[1] !== undefined,
  );
  return set.length === 0
    ? ''
    : `?${set.map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&')}`;
}

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

function promotionLine(p: PromotionEntity): string {
  const until = p.endsAt ?? 'no end';
  const coupon = p.couponCode ? ` coupon ${p.couponCode}` : '';
  const state = p.isActive ? '' : ' (withdrawn)';
  return `${p.promotionId}\t${p.name}\t${p.rule.kind}${coupon}\t${p.startsAt} .. ${until}${state}`;
}

program
  .command('promotion')
  .description('define (or, with --id, replace) a promotion in the stores named or every store')
  .requiredOption('--name <name>', 'what the receipt calls it')
  .requiredOption('--from <time>', 'ISO time it starts, e.g. 2027-03-01T00:00:00Z')
  .option('--until <time>', 'ISO time it ends (exclusive)')
  .option('--percent <n>', 'percent off each unit')
  .option('--amount <price>', 'amount off each unit, e.g. 2.50')
  .option('--buy <n>', 'buy n ...')
  .option('--get <n>', '... get n (the cheapest) free, or --off percent off')
  .option('--off <n>', 'percent off the "get" units (default 100)')
  .option('--mix <n>', 'any n units of the targets ...')
  .option('--for <price>', '... together for this price')
  .option('--products <ids>', 'product IDs, comma-separated')
  .option('--categories <ids>', 'category IDs, comma-separated (neither: every product)')
  .option('--coupon <code>', 'applies only when the cashier enters this code')
  .option('--priority <n>', 'higher runs first (default 0)')
  .option('--store <storeId...>', 'the stores it runs in (default: every store)')
  .option('--id <promotionId>', 'replace this promotion')
  .action(async (o: PromotionOptions) => {
    const r = await api<PromotionDefined>('POST', '/promotions', promotionFromOptions(o));
    print(r, () => `${promotionLine(r.promotion)}\nRuns in ${r.stores.join(', ')}.`);
  });

program
  .command('promotions <storeId>')
  .description("the store's promotions")
  .action(async (storeId: string) => {
    const r = await api<{ promotions: PromotionEntity[] }>('GET', `/stores/${storeId}/promotions`);
    print(r, () =>
      r.promotions.length === 0 ? 'No promotions.' : r.promotions.map(promotionLine).join('\n'),
    );
  });

program
  .command('promotion-end <promotionId>')
  .description('end a promotion in every store it runs in (now, or --at)')
  .option('--at <time>', 'ISO time it ends')
  .action(async (promotionId: string, o: { at?: string }) => {
    const r = await api<{ stores: string[] }>('POST', `/promotions/${promotionId}/end`, {
      endsAt: o.at,
    });
    print(r, () => `Ended in ${r.stores.join(', ')}.`);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`${getErrorMessage(error)}\n`);
  process.exit(1);
});

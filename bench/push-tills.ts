/**
 * Child process of the sync benchmark: the push-throughput load generator. Concurrent tills
 * (already enrolled by the parent, which hands over their tokens) push their batches of sales
 * to HQ over HTTP, each till one request at a time, all tills at once. It runs in its own
 * process so its JSON encoding and HTTP client work do not share HQ's event loop and CPU
 * accounting (the issue measured the in-process generator at about 13 % of HQ's time).
 *
 *   node --import tsx bench/push-tills.ts <path of a JSON PushLoad file>
 *
 * Prints one JSON line (PushLoadResult) on stdout. Timing starts after the file is read and
 * parsed: it covers only the pushes.
 */
import { readFile } from 'node:fs/promises';
import type { Mutation } from '../contract/mutations';
import { WireTill } from './wire-till';

export interface PushLoad {
  url: string;
  tills: Array<{ token: string; batches: Mutation[][] }>;
}

export interface PushLoadResult {
  /** Wall-clock seconds from the first push until every till's last push was answered. */
  seconds: number;
  /** Requests retried after HQ's 503/429 backpressure. */
  retries: number;
}

async function main(): Promise<void> {
  const path = process.argv[2];
  if (!path) throw new Error('usage: push-tills.ts <load.json>');
  const load = JSON.parse(await readFile(path, 'utf8')) as PushLoad;
  const tills = load.tills.map((t) => ({
    till: new WireTill(load.url, t.token),
    batches: t.batches,
  }));
  const started = performance.now();
  await Promise.all(
    tills.map(async ({ till, batches }) => {
      for (const batch of batches) await till.push(batch);
    }),
  );
  const result: PushLoadResult = {
    seconds: (performance.now() - started) / 1000,
    retries: tills.reduce((n, t) => n + t.till.retries, 0),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});

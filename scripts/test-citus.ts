/**
 * `npm run test:citus`: HQ on a real Citus cluster (issue 17).
 *
 *   1. starts a coordinator and two workers on loopback (this machine's PostgreSQL 15 with
 *      Citus; test/citus/cluster.ts), as the postgres OS user when run as root;
 *   2. runs the central isolation, ingest, rollup and sync fault suites and the cluster's own
 *      tests against it (test/citus/vitest.config.ts): every test file's database is
 *      bootstrapped on every node, migrated and distributed;
 *   3. runs `npm run demo -- --json` against the cluster's DATABASE_URL, which must reconcile;
 *   4. unless --no-bench: `npm run bench -- --only topology --json` (bench/topology.ts): push
 *      throughput and feed latency on a durable cluster and on one plain durable PostgreSQL
 *      server with the same settings, in the same run; the figures go to stdout and to
 *      --figures <file> when given.
 *
 * Not part of `npm test`: Citus is not an npm package. Without it this prints one line and
 * exits 0. Extra arguments are passed to vitest (e.g. a test file to run only that one).
 *
 *   npm run test:citus
 *   npm run test:citus -- --no-demo --no-bench test/citus
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { citusInstallation, startCitusCluster, type CitusCluster } from '../test/citus/cluster';

interface Options {
  demo: boolean;
  bench: boolean;
  suites: boolean;
  figures: string | undefined;
  vitestArgs: string[];
}

function parse(argv: readonly string[]): Options {
  const options: Options = {
    demo: true,
    bench: true,
    suites: true,
    figures: undefined,
    vitestArgs: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--no-demo') options.demo = false;
    else if (arg === '--no-bench') options.bench = false;
    else if (arg === '--no-suites') options.suites = false;
    else if (arg === '--figures') options.figures = argv[++i];
    else options.vitestArgs.push(arg);
  }
  return options;
}

function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  capture = false,
): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env,
      stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'],
    });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), stdout }));
  });
}

function log(message: string): void {
  process.stderr.write(`[test:citus] ${message}\n`);
}

async function main(): Promise<number> {
  const installation = citusInstallation();
  if (!installation.ok) {
    console.log(`test:citus skipped: ${installation.reason}`);
    return 0;
  }
  const options = parse(process.argv.slice(2));
  log(`${installation.version}; starting a coordinator and two workers on loopback`);
  let cluster: CitusCluster | undefined;
  const failures: string[] = [];
  try {
    cluster = await startCitusCluster({
      onOutput: (node, text) => {
        if (process.env.EDGEPOS_CITUS_LOG) process.stderr.write(`[${node}] ${text}`);
      },
    });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: cluster.url('postgres'),
      EDGEPOS_CITUS_WORKERS: cluster.workersSpec(),
      // Fewer shards than Citus's 32: every test file distributes a database of its own.
      EDGEPOS_CITUS_SHARD_COUNT: process.env.EDGEPOS_CITUS_SHARD_COUNT ?? '4',
      NO_COLOR: '1',
    };
    log(`coordinator 127.0.0.1:${cluster.coordinator.port}, workers ${cluster.workersSpec()}`);

    if (options.suites) {
      const suites = await run(
        'npx',
        ['vitest', 'run', '--config', 'test/citus/vitest.config.ts', ...options.vitestArgs],
        env,
      );
      if (suites.code !== 0) failures.push(`test suites (exit ${suites.code})`);
    }

    if (options.demo) {
      log('npm run demo -- --json against the cluster');
      const demo = await run(
        'npx',
        ['tsx', 'demo/run.ts', '--json'],
        { ...env, DATABASE_URL: cluster.url('postgres') },
        true,
      );
      const line = demo.stdout.trim().split('\n').pop() ?? '';
      let reconciled = false;
      try {
        reconciled = (JSON.parse(line) as { reconciled?: unknown }).reconciled === true;
      } catch {
        reconciled = false;
      }
      console.log(`demo: ${line}`);
      if (demo.code !== 0 || !reconciled) failures.push(`demo (exit ${demo.code})`);
    }

    if (options.bench) {
      // The bench suite starts durable servers of its own (commits flushed, as in production):
      // this cluster is stopped first so the figures do not share the machine with it.
      log('push throughput and feed latency: cluster vs one server, same run (durable)');
      await cluster.stop();
      cluster = undefined;
      const bench = await run(
        'npx',
        ['tsx', 'bench/run.ts', '--only', 'topology', '--json'],
        { ...process.env, NO_COLOR: '1' },
        true,
      );
      const line = bench.stdout.trim().split('\n').pop() ?? '';
      console.log(`figures: ${line}`);
      if (options.figures && bench.code === 0) writeFileSync(options.figures, `${line}\n`);
      if (bench.code !== 0) failures.push(`bench (exit ${bench.code})`);
    }
  } finally {
    await cluster?.stop();
  }
  if (failures.length > 0) {
    console.log(`test:citus FAILED: ${failures.join(', ')}`);
    return 1;
  }
  console.log('test:citus passed');
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`test:citus failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);

/**
 * Every command a user or a check runs exits non-zero when it fails, with a message on stderr.
 * Run through the npm script names, which are the product's interface (README), so the test
 * follows the commands wherever their code lives.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** A loopback port nothing listens on (the discard port), so connections are refused at once. */
const DEAD_URL = 'postgres://nobody:nothing@127.0.0.1:9/nothing';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'edgepos-cli-guard-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function npmRun(
  script: string,
  args: readonly string[],
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', DATABASE_URL: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

const cases: Array<{ name: string; script: string; args: () => string[]; message: RegExp }> = [
  {
    name: 'npm run hq on a startup error (database unreachable)',
    script: 'hq',
    args: () => ['--database-url', DEAD_URL, '--port', '0', '--data-dir', join(scratch, 'hq')],
    message: /ECONNREFUSED|connect|refused/i,
  },
  {
    name: 'npm run hq:admin when HQ is unreachable',
    script: 'hq:admin',
    args: () => ['--url', 'http://127.0.0.1:9', '--token', 'x'.repeat(32), 'stores'],
    message: /not reachable/,
  },
  {
    name: 'npm run hq:cli on a failed database command',
    script: 'hq:cli',
    args: () => ['--database-url', DEAD_URL, 'db', 'bootstrap'],
    message: /ECONNREFUSED|connect|refused/i,
  },
  {
    name: 'npm run till on a missing till database',
    script: 'till',
    args: () => ['migrate', 'status', '--dir', join(scratch, 'no-till-here')],
    message: /No till database/,
  },
  {
    name: 'npm run till:backup on a folder without a till',
    script: 'till:backup',
    args: () => ['backup', '--dir', join(scratch, 'no-till-here'), '--out', join(scratch, 'b')],
    message: /holds no till database/,
  },
  {
    name: 'npm run bench on an unknown suite',
    script: 'bench',
    args: () => ['--json', '--only', 'no-such-suite'],
    message: /Unknown suite/,
  },
  {
    name: 'npm run demo on a bad option',
    script: 'demo',
    args: () => ['--json', '--sales', 'many'],
    message: /many|number/i,
  },
];

describe('command-line exit codes', () => {
  for (const c of cases) {
    it(`${c.name} exits non-zero with a message`, async () => {
      const { code, stderr } = await npmRun(c.script, c.args());
      expect(stderr, `stderr of npm run ${c.script}`).toMatch(c.message);
      expect(code, stderr).not.toBe(0);
    });
  }
});

/**
 * Bench child processes: a till or a load generator runs in its own process, as on its own
 * machine, so its work is not charged to HQ's event loop; and a poll until a condition holds.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ProvisionRequest, ProvisionTimings } from './provision-till';

/**
 * Runs a bench child script (a till or a load generator, in its own process as on its own
 * machine) and returns the JSON line it prints last on stdout; its stderr goes to the log.
 */
export async function runChild(
  script: string,
  arg: string,
  options: { label: string; log: (message: string) => void },
): Promise<unknown> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', path, arg], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const line of d.toString().split('\n'))
      if (line.trim()) options.log(`${options.label}: ${line}`);
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const last = stdout.trim().split('\n').at(-1);
  if (code !== 0 || !last) {
    throw new Error(`${options.label} failed (exit ${code}): ${stderr.slice(-2_000)}`);
  }
  return JSON.parse(last) as unknown;
}

/** Provision a till in a child process (bench/provision-till.ts) and return its timings. */
export async function provisionInChild(
  request: ProvisionRequest & { log: (message: string) => void },
): Promise<ProvisionTimings> {
  const { log, ...body } = request;
  return (await runChild('./provision-till.ts', JSON.stringify(body), {
    label: 'provisioning till',
    log,
  })) as ProvisionTimings;
}

export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * CPU seconds used so far by a PostgreSQL server: its postmaster, every backend and helper it
 * started, also those that already exited (the postmaster reaps them, so their time is in its
 * cutime/cstime). CPU time, unlike wall-clock time, does not grow when other work on the
 * machine takes the cores, so per-item costs derived from it stay comparable on a busy machine.
 *
 * Linux only (/proc); elsewhere `null`, and the figures that need it are left out.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

interface Stat {
  ppid: number;
  /** utime + stime, in clock ticks. */
  own: number;
  /** cutime + cstime: children that exited and were reaped, in clock ticks. */
  reaped: number;
}

function readStat(pid: number): Stat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // exited meanwhile
  }
  // The command name (field 2) is in parentheses and may contain spaces: split after it.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const n = (i: number): number => Number(fields[i - 3]);
  return { ppid: n(4), own: n(14) + n(15), reaped: n(16) + n(17) };
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  return ticksPerSecond;
}

/** The postmaster of a backend (its parent process), or null off Linux. */
export function postmasterOf(backendPid: number): number | null {
  return readStat(backendPid)?.ppid ?? null;
}

/** CPU seconds of the server whose postmaster is `postmaster`, or null off Linux. */
export function serverCpuSeconds(postmaster: number): number | null {
  const root = readStat(postmaster);
  if (!root) return null;
  let ticks = root.own + root.reaped;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === postmaster) continue;
    const stat = readStat(pid);
    if (stat?.ppid === postmaster) ticks += stat.own;
  }
  return ticks / clockTicks();
}

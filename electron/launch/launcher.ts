/**
 * The launcher behind `npm start` and `npm run web`, with everything it starts injected so a
 * Node test can drive it: which till (desktop or browser), in what order, what it says, and how
 * it stops.
 *
 * Desktop first asks whether Electron can start at all (before building or starting HQ): when it
 * cannot, the launcher says so in one sentence and runs the same till in the browser, so the
 * store still opens. Stopping (Ctrl+C, `kill`, the window closing) stops every child in reverse
 * order and waits for them before reporting the exit code.
 */
import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';

export type ElectronCheck = { ok: true; binary: string } | { ok: false; reason: string };
export type LaunchMode = 'desktop' | 'web';

export interface LauncherHq {
  url: string;
  /** Whether the register already has an active till at HQ (then no code is made for it). */
  registerEnrolled(storeId: string, registerId: string): Promise<boolean>;
  enrollmentCode(storeId: string, registerId: string): Promise<string>;
  close(): Promise<void>;
}

export interface LauncherWeb {
  url: string;
  close(): Promise<void>;
}

export interface LauncherDeps {
  mode: LaunchMode;
  /** Whether the Electron binary is present and runs here (electron-check.ts in production). */
  checkElectron(): Promise<ElectronCheck>;
  buildApp(options: { webOnly: boolean }): Promise<void>;
  startHq(): Promise<LauncherHq>;
  serveWeb(hqUrl: string): Promise<LauncherWeb>;
  enrollUrl(web: LauncherWeb, code: string): string;
  /** `code` only when the register has no till yet: the app then enrolls with it at first run. */
  spawnDesktop(options: { binary: string; hqUrl: string; code: string | undefined }): ChildProcess;
  say(message: string): void;
  /** Where the desktop app keeps its data (only printed). */
  userData: string;
}

export interface Launch {
  /** The till that actually runs: 'web' also when desktop fell back to the browser. */
  mode: LaunchMode;
  /** Stops every child (reverse order, waiting for each); resolves with the exit code. */
  stop(code: number): Promise<number>;
  /** Resolves with the exit code once everything has stopped, whoever started the stop. */
  exited: Promise<number>;
}

/** How long a child gets between SIGTERM and SIGKILL when the launcher stops. */
const CHILD_GRACE_MS = 10_000;

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), CHILD_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function launch(deps: LauncherDeps): Promise<Launch> {
  let mode = deps.mode;
  let binary: string | undefined;
  if (mode === 'desktop') {
    const check = await deps.checkElectron();
    if (check.ok) binary = check.binary;
    else {
      deps.say(
        `The desktop app cannot start on this machine (${check.reason}), so the same till runs in your browser instead.`,
      );
      mode = 'web';
    }
  }

  deps.say(`building the ${mode === 'web' ? 'browser' : 'desktop'} app`);
  await deps.buildApp({ webOnly: mode === 'web' });
  const hq = await deps.startHq();
  deps.say(`HQ sync service at ${hq.url} (admin: npm run hq:admin)`);

  const stops: Array<() => Promise<void>> = [() => hq.close()];
  let resolveExited!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (resolveExited = resolve));
  let stopping: Promise<number> | undefined;
  const stop = (code: number): Promise<number> => {
    stopping ??= (async () => {
      for (const fn of [...stops].reverse()) await fn().catch(() => undefined);
      resolveExited(code);
      return code;
    })();
    return stopping;
  };

  try {
    // One till per register (HQ refuses a second one): a register enrolled at an earlier start
    // gets no new code, so a second browser or a reopened link cannot enroll it again.
    if (mode === 'web') {
      const enrolled = await hq.registerEnrolled('seattle', 'R02');
      const code = enrolled ? undefined : await hq.enrollmentCode('seattle', 'R02');
      const web = await deps.serveWeb(hq.url);
      stops.push(() => web.close());
      deps.say(`the POS is served at ${web.url}`);
      if (code === undefined) {
        deps.say(
          `the browser till (seattle, register R02) is already enrolled: open ${web.url} in the browser that holds it.`,
        );
        deps.say(
          'to move register R02 to another browser, replace the old till: npm run hq:admin -- code seattle R02 --replace',
        );
      } else {
        deps.say(
          'open this address to set up a new browser till (seattle, register R02) and enroll it with HQ:',
        );
        deps.say(`  ${deps.enrollUrl(web, code)}`);
      }
      deps.say('demo PINs: manager 246810, cashiers 1111 and 2222. Ctrl+C stops the POS and HQ.');
      return { mode, stop, exited };
    }
    const enrolled = await hq.registerEnrolled('seattle', 'R01');
    const code = enrolled ? undefined : await hq.enrollmentCode('seattle', 'R01');
    deps.say(
      `launching the desktop app (user data in ${deps.userData}); demo PINs: manager 246810, cashiers 1111 and 2222`,
    );
    const child = deps.spawnDesktop({ binary: binary ?? '', hqUrl: hq.url, code });
    stops.push(() => stopChild(child));
    // A desktop app killed by a signal did not end well: report it (128 + signal, as shells do).
    child.on('exit', (exitCode, signal) => {
      void stop(exitCode ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1));
    });
    return { mode, stop, exited };
  } catch (error) {
    await stop(1);
    throw error;
  }
}

/** Ctrl+C and `kill` (SIGTERM) are a normal way to close the POS: stop everything, exit 0. */
export function exitOnSignals(running: Launch, exit: (code: number) => void): void {
  const onSignal = (): void => void running.stop(0);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  void running.exited.then(exit);
}

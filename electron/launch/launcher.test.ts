/**
 * Issue 13 item 9 (`npm start` where Electron cannot start: say so once, run the browser till)
 * and item 8 (`kill` of the launcher exits 0 with its children stopped). The launcher runs with
 * stand-ins for the build, HQ and web server; the signal test runs it as a real process with a
 * real child.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { launch, type ElectronCheck, type LauncherDeps } from './launcher';

function harness(
  check: ElectronCheck,
  enrolled: string[] = [],
): { deps: LauncherDeps; said: string[]; calls: string[] } {
  const said: string[] = [];
  const calls: string[] = [];
  const deps: LauncherDeps = {
    mode: 'desktop',
    userData: '/data/desktop',
    say: (message) => said.push(message),
    checkElectron: () => {
      calls.push('check');
      return Promise.resolve(check);
    },
    buildApp: ({ webOnly }) => {
      calls.push(webOnly ? 'build web' : 'build desktop');
      return Promise.resolve();
    },
    startHq: () => {
      calls.push('hq');
      return Promise.resolve({
        url: 'http://127.0.0.1:8787',
        registerEnrolled: (store, register) =>
          Promise.resolve(enrolled.includes(`${store}/${register}`)),
        enrollmentCode: (store, register) => {
          calls.push(`code ${store}/${register}`);
          return Promise.resolve('one-time');
        },
        close: () => {
          calls.push('hq closed');
          return Promise.resolve();
        },
      });
    },
    serveWeb: (hqUrl) => {
      calls.push(`web -> ${hqUrl}`);
      return Promise.resolve({
        url: 'http://127.0.0.1:4173',
        close: () => {
          calls.push('web closed');
          return Promise.resolve();
        },
      });
    },
    enrollUrl: (web, code) => `${web.url}/#enroll=${code}`,
    spawnDesktop: ({ binary, code }) => {
      calls.push(`spawn ${binary}${code === undefined ? ' (no code)' : ''}`);
      const child = new EventEmitter() as ChildProcess;
      Object.assign(child, { exitCode: 0, signalCode: null });
      return child;
    },
  };
  return { deps, said, calls };
}

describe('npm start when the desktop app cannot start', () => {
  it('checks Electron first, says why in one sentence and serves the browser till', async () => {
    const { deps, said, calls } = harness({
      ok: false,
      reason: "Electron's desktop binary is not installed",
    });
    const running = await launch(deps);

    expect(running.mode).toBe('web');
    expect(calls.slice(0, 3)).toEqual(['check', 'build web', 'hq']);
    expect(calls).toContain('code seattle/R02');
    expect(calls).toContain('web -> http://127.0.0.1:8787');
    expect(calls.some((call) => call.startsWith('spawn'))).toBe(false);

    const aboutDesktop = said.filter((line) => /desktop|electron/i.test(line));
    expect(aboutDesktop).toEqual([
      "The desktop app cannot start on this machine (Electron's desktop binary is not installed), so the same till runs in your browser instead.",
    ]);
    // One sentence, and no advice that may be wrong here.
    expect(aboutDesktop[0]?.match(/[.!?](\s|$)/g)).toHaveLength(1);
    expect(said.join('\n')).not.toMatch(/network|npm install/i);
    expect(said).toContain('  http://127.0.0.1:4173/#enroll=one-time');

    await expect(running.stop(0)).resolves.toBe(0);
    expect(calls.slice(-2)).toEqual(['web closed', 'hq closed']);
  });

  it('launches the desktop app when Electron can start', async () => {
    const { deps, said, calls } = harness({ ok: true, binary: '/opt/electron' });
    const running = await launch(deps);

    expect(running.mode).toBe('desktop');
    expect(calls).toEqual([
      'check',
      'build desktop',
      'hq',
      'code seattle/R01',
      'spawn /opt/electron',
    ]);
    expect(said.join('\n')).not.toMatch(/browser instead/);
    await running.stop(0);
  });

  it('asks nothing of Electron for the browser till', async () => {
    const { deps, calls } = harness({ ok: false, reason: 'unused' });
    const running = await launch({ ...deps, mode: 'web' });
    expect(calls[0]).toBe('build web');
    await running.stop(0);
  });
});

describe('a register that already has a till (issue 11: one till per register)', () => {
  it('npm run web mints no new code for an enrolled R02 and says how to replace it', async () => {
    const { deps, said, calls } = harness({ ok: false, reason: 'unused' }, ['seattle/R02']);
    const running = await launch({ ...deps, mode: 'web' });
    expect(calls.filter((c) => c.startsWith('code'))).toEqual([]);
    expect(said.join('\n')).not.toMatch(/#enroll=/);
    expect(said.join('\n')).toMatch(/already enrolled: open http:\/\/127\.0\.0\.1:4173/);
    expect(said.join('\n')).toMatch(/npm run hq:admin -- code seattle R02 --replace/);
    await running.stop(0);
  });

  it('npm start opens the enrolled desktop till without a code', async () => {
    const { deps, calls } = harness({ ok: true, binary: '/opt/electron' }, ['seattle/R01']);
    const running = await launch(deps);
    expect(calls).toEqual(['check', 'build desktop', 'hq', 'spawn /opt/electron (no code)']);
    await running.stop(0);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('kill (SIGTERM) of the launcher', () => {
  it('exits 0 after stopping the desktop app and HQ', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/sigterm-launcher.ts', import.meta.url));
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const launcher = spawn(process.execPath, ['--import', tsx, fixture], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    const childPid = await new Promise<number>((resolve, reject) => {
      launcher.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const ready = /ready (\d+)/.exec(out);
        if (ready) resolve(Number(ready[1]));
      });
      launcher.once('exit', (code) => reject(new Error(`launcher exited early (${code}): ${out}`)));
    });
    expect(alive(childPid)).toBe(true);

    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      launcher.once('exit', (code, signal) => resolve({ code, signal })),
    );
    launcher.kill('SIGTERM');
    const { code, signal } = await exited;

    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(alive(childPid)).toBe(false);
    expect(out).toContain('hq closed');
  });
});

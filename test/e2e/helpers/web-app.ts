/**
 * The browser build of the POS for end-to-end tests and the UI benchmark: built once into a
 * temp folder with the project's vite.config.ts, served by Vite's preview server (optionally
 * proxying /hq to a local HQ sync service), driven by Debian's Chromium via playwright-core.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { serveWeb } from '../../../electron/launch/web-server';

export const CHROMIUM = process.env.EDGE_POS_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export interface WebApp {
  url: string;
  /** The same-origin HQ address (proxied to `hqTarget`) a browser till on this page uses. */
  hqUrl: string;
  outDir: string;
  close(): Promise<void>;
}

/** Build the renderer and serve it. `hqTarget` makes /hq on the same origin proxy to HQ. */
export async function startWebApp(
  options: { hqTarget?: string; root?: string } = {},
): Promise<WebApp> {
  const root = options.root ?? process.cwd();
  const configFile = join(root, 'vite.config.ts');
  const outDir = await mkdtemp(join(tmpdir(), 'edge-pos-web-'));
  await build({
    configFile,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, sourcemap: false },
  });
  const web = await serveWeb({
    configFile,
    outDir,
    ...(options.hqTarget ? { hqTarget: options.hqTarget } : {}),
  });
  return {
    url: web.url,
    hqUrl: web.hqUrl,
    outDir,
    close: async () => {
      await web.close();
      await rm(outDir, { recursive: true, force: true });
    },
  };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  userDataDir: string;
  /** Console lines of the page (worker messages included) for diagnostics on failure. */
  logs: string[];
  close(): Promise<void>;
}

/** Chromium with a fresh user-data dir (fresh IndexedDB: a new till). */
export async function launchBrowser(options: { userDataDir?: string } = {}): Promise<Browser> {
  const userDataDir = options.userDataDir ?? (await mkdtemp(join(tmpdir(), 'edge-pos-chromium-')));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    viewport: { width: 1366, height: 860 },
  });
  // tsx (esbuild keepNames) wraps functions passed to page.evaluate in __name(); give the page
  // a no-op one so benchmarks run under tsx can evaluate functions too.
  await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
  const logs: string[] = [];
  const watch = (page: Page): void => {
    page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    userDataDir,
    logs,
    close: async () => {
      await context.close();
      if (!options.userDataDir) await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Vitest afterEach hook body: a screenshot of the page when the test failed (test-results/). */
export async function screenshotOnFailure(
  page: Page | undefined,
  context: { task: { name: string; result?: { state?: string } } },
): Promise<void> {
  if (!page || context.task.result?.state !== 'fail') return;
  const name = context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 80);
  await page
    .screenshot({ path: join('test-results', `failed-${name}.png`) })
    .catch(() => undefined);
}

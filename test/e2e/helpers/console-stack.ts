/**
 * The HQ console next to a browser till of the same store, for end-to-end tests: a real local
 * HQ (embedded PostgreSQL, seeded), the console page built and served by it, the till's web
 * build proxying /hq to it, and one Chromium with two pages (the till, the console). Options
 * reach HQ as they are (e.g. an injected `clock`).
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { pino } from 'pino';
import { startLocalHq, type LocalHq } from '../../../electron/launch/local-hq';
import { buildConsole } from './console-app';
import { centsOf, login, openShiftIfAsked, scan } from './pos';
import { launchBrowser, startWebApp, type Browser, type WebApp } from './web-app';

export const CONSOLE_E2E_ADMIN = { email: 'admin@e2e.local', password: 'e2e console password' };

export interface ConsoleStack {
  hq: LocalHq;
  app: WebApp;
  browser: Browser;
  tillPage: Page;
  consolePage: Page;
  close(): Promise<void>;
}

export async function startConsoleStack(
  options: { clock?: Parameters<typeof startLocalHq>[0]['clock'] } = {},
): Promise<ConsoleStack> {
  const work = await mkdtemp(join(tmpdir(), 'edge-pos-e2e-console-'));
  await chmod(work, 0o711); // the embedded PostgreSQL runs as its own user when we are root
  const consoleBuild = await buildConsole();
  const hq = await startLocalHq({
    dataDir: join(work, 'hq'),
    adminToken: `e2e-admin-token-${process.pid}`,
    durable: false,
    seed: { products: 200, customers: 100, sales: 0 },
    consoleDir: consoleBuild.dir,
    consoleAdmin: CONSOLE_E2E_ADMIN,
    logger: pino({ level: 'warn' }, pino.destination(2)),
    clock: options.clock,
  });
  const app = await startWebApp({ hqTarget: hq.url });
  const browser = await launchBrowser();
  return {
    hq,
    app,
    browser,
    tillPage: browser.page,
    consolePage: await browser.context.newPage(),
    close: async () => {
      await browser.close();
      await app.close();
      await hq.close();
      await consoleBuild.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** Sign the console's administrator in. */
export async function consoleSignIn(stack: ConsoleStack): Promise<void> {
  const page = stack.consolePage;
  await page.goto(`${stack.hq.url}/console/`);
  await page.getByTestId('sign-in-email').fill(CONSOLE_E2E_ADMIN.email);
  await page.getByTestId('sign-in-password').fill(CONSOLE_E2E_ADMIN.password);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('signed-in-as').waitFor();
}

/** Enroll the browser till for `storeId`/`registerId`, sign the cashier in, open a shift. */
export async function enrollWebTill(
  stack: ConsoleStack,
  storeId: string,
  registerId: string,
): Promise<void> {
  const code = await stack.hq.enrollmentCode(storeId, registerId);
  const params = new URLSearchParams({ hq: stack.app.hqUrl, code, enroll: 'auto' });
  await stack.tillPage.goto(`${stack.app.url}?${params.toString()}`);
  await login(stack.tillPage, '1111');
  await openShiftIfAsked(stack.tillPage, '200');
}

/** The unit price the till shows for `sku` after scanning `code` into an empty basket. */
export async function scannedPrice(page: Page, code: string, sku: string): Promise<number> {
  await scan(page, code);
  const line = page.locator(`[data-testid="cart-line"][data-sku="${sku}"]`);
  await line.waitFor();
  const cents = centsOf((await line.locator('td').nth(3).textContent()) ?? '');
  await page.keyboard.press('Escape'); // asks to cancel the sale
  await page.getByRole('dialog').waitFor();
  await page.keyboard.press('Enter');
  await line.waitFor({ state: 'detached' });
  return cents;
}

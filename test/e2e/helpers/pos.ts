/**
 * Cashier actions for end-to-end specs, keyboard only. A scanner is simulated the way a
 * keyboard-wedge scanner behaves: the code typed at full speed, then Enter. People type with a
 * human delay (so the app does not take them for a scanner).
 */
import type { CDPSession, Page } from 'playwright-core';

export const HUMAN_DELAY_MS = 70;

export async function typeHuman(page: Page, text: string): Promise<void> {
  await page.keyboard.type(text, { delay: HUMAN_DELAY_MS });
}

/** Keys a keyboard-wedge scanner sends, with their hardware timestamps (ms apart). */
/** A USB HID scanner sends a press and a release report per character at 1 kHz: 2 ms a key. */
export const SCANNER_KEY_GAP_MS = 2;

const sessions = new WeakMap<Page, Promise<CDPSession>>();

/**
 * A barcode scanner: the code's keys and Enter at scanner pace. Real scanners' key events carry
 * the time the OS received them, however busy the page is; Playwright's keyboard stamps each
 * key when the browser processes it, one round trip after the previous one. So the keys go
 * through CDP in one pipelined burst, stamped SCANNER_KEY_GAP_MS apart from the real start.
 */
export async function scan(
  page: Page,
  code: string,
  options: { enter?: boolean } = {},
): Promise<void> {
  let session = sessions.get(page);
  if (!session) {
    session = page.context().newCDPSession(page);
    sessions.set(page, session);
  }
  const cdp = await session;
  const start = Date.now() / 1000;
  const keys = [...code].map((ch) => ({
    key: ch,
    text: ch,
    code: '',
    vk: ch.toUpperCase().charCodeAt(0),
  }));
  if (options.enter ?? true) keys.push({ key: 'Enter', text: '\r', code: 'Enter', vk: 13 });
  const sent: Array<Promise<unknown>> = [];
  keys.forEach((k, i) => {
    const timestamp = start + (i * SCANNER_KEY_GAP_MS) / 1000;
    const common = {
      key: k.key,
      code: k.code,
      windowsVirtualKeyCode: k.vk,
      nativeVirtualKeyCode: k.vk,
      timestamp,
    };
    sent.push(
      cdp.send('Input.dispatchKeyEvent', {
        type: 'keyDown',
        text: k.text,
        unmodifiedText: k.text,
        ...common,
      }),
    );
    sent.push(cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', ...common }));
  });
  await Promise.all(sent);
}

/** Text of the notice line once it contains `pattern`. */
export async function noticeMatching(
  page: Page,
  pattern: RegExp,
  timeout = 10_000,
): Promise<string> {
  const notice = page.getByTestId('notice').filter({ hasText: pattern });
  await notice.waitFor({ timeout });
  return (await notice.textContent()) ?? '';
}

export async function cartLines(page: Page): Promise<Array<{ sku: string; qty: string }>> {
  return page.getByTestId('cart-line').evaluateAll((rows) =>
    rows.map((r) => ({
      sku: r.getAttribute('data-sku') ?? '',
      qty: r.querySelector('[data-testid="line-qty"]')?.textContent?.trim() ?? '',
    })),
  );
}

/** "$1,234.56" -> 123456 */
export function centsOf(text: string): number {
  const match = /(-?)\$?([\d,]+)\.(\d{2})/.exec(text);
  if (!match) throw new Error(`no amount in "${text}"`);
  const cents = Number((match[2] ?? '0').replace(/,/g, '')) * 100 + Number(match[3]);
  return match[1] === '-' ? -cents : cents;
}

/** The demo staff by PIN (db/seed/chain.ts), so a test can say who types which PIN. */
export const DEMO_PEOPLE: Record<string, string> = {
  '246810': 'Morgan Lee',
  '1111': 'Alex Kim',
  '2222': 'Sam Rivera',
};

/**
 * Choose a person on the login screen by keyboard only: the first letter of their name moves
 * to the next name with that letter (repeat until it is theirs), Enter chooses.
 */
export async function choosePerson(page: Page, name: string): Promise<void> {
  const first = page.getByTestId('login-person').first();
  await first.waitFor({ timeout: 120_000 });
  await page.waitForFunction(
    () => document.activeElement?.getAttribute('data-testid') === 'login-person',
  );
  for (let i = 0; i < 10; i++) {
    const focused = await page.evaluate(() =>
      document.activeElement?.getAttribute('data-staff-name'),
    );
    if (focused === name) break;
    await page.keyboard.press(name.charAt(0));
  }
  await page.keyboard.press('Enter');
  await page.getByLabel(/PIN/).waitFor();
}

/** Log in by keyboard: the person (named, or the demo owner of that PIN), then the PIN. */
export async function login(page: Page, pin: string, name?: string): Promise<void> {
  const who = name ?? DEMO_PEOPLE[pin];
  if (!who) throw new Error(`whose PIN is ${pin}? name the person`);
  await choosePerson(page, who);
  await typeHuman(page, pin);
  await page.keyboard.press('Enter');
}

/** After login: open the shift the app asks for (or skip when one is open). */
export async function openShiftIfAsked(page: Page, float: string): Promise<void> {
  const checkout = page.locator('section.checkout:not([data-shift="loading"])');
  await checkout.waitFor({ timeout: 60_000 });
  if ((await checkout.getAttribute('data-shift')) === 'none') {
    const floatInput = page.getByTestId('float-input');
    await floatInput.waitFor();
    await typeHuman(page, float);
    await page.keyboard.press('Enter');
    await floatInput.waitFor({ state: 'detached' });
    await page.locator('section.checkout[data-shift="open"]').waitFor();
  }
  await page.waitForFunction(
    () => document.activeElement?.getAttribute('data-testid') === 'scan-input',
  );
}

/**
 * The demo till (no HQ: F9 at first run) on a fresh browser profile, the cashier Alex Kim
 * logged in and the shift open with `float`: the preamble of the specs that ring sales.
 */
export async function startDemoTill(page: Page, url: string, float = '100'): Promise<void> {
  await page.goto(url);
  await page.getByLabel('HQ address').waitFor({ timeout: 120_000 });
  await page.keyboard.press('F9');
  await login(page, '1111');
  await openShiftIfAsked(page, float);
}

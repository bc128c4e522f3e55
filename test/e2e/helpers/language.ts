/**
 * What a cashier should never read (issue 13 item 6): amounts in cents, UUIDs, schema messages
 * (zod's ✖ and "→ at"), snake_case codes and search debug labels. Shared by the e2e scans.
 */
import type { Page } from 'playwright-core';

export const FORBIDDEN: Array<[string, RegExp]> = [
  ['an amount in cents', /\d\s*cents?\b/i],
  ['a UUID', /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i],
  ['a schema message', /✖|→\s*at\b/],
  ['a snake_case code', /\b[a-z]+_[a-z_]+\b/],
  ['a search debug label', /·\s*(words|spelling|meaning)\b/i],
];

/** What the cashier can read now (the page's visible text), with every forbidden pattern found. */
export async function offences(page: Page): Promise<string[]> {
  const text = await page.evaluate(() => document.body.innerText);
  return FORBIDDEN.flatMap(([what, pattern]) => {
    const match = pattern.exec(text);
    return match
      ? [`${what}: "${text.slice(Math.max(0, match.index - 40), match.index + 40)}"`]
      : [];
  });
}

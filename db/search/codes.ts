/**
 * Codes a cashier types or scans: barcodes (GTIN-8/12/13/14, i.e. EAN/UPC) and SKUs. Pure
 * code, no I/O; db/search/code-search.ts runs the lookups.
 *
 * - A SKU typed without its separators ("ELESMA000123" or "ele sma 000123") or only its start
 *   ("ELE-SMA-00") is compared on its key: upper case, letters and digits only.
 * - A GTIN carries a check digit (weights 3,1,3,... from the right, sum to a multiple of 10).
 *   Any single wrong digit breaks it (the weights 1 and 3 are coprime with 10), and for each
 *   position exactly one other digit repairs it: an invalid code with one wrong digit has one
 *   correction candidate per position, one of which is the intended code. Swapped neighbours
 *   are caught unless the two digits differ by 5, and are offered too.
 */

/** Lengths of GTIN barcodes: EAN-8, UPC-A, EAN-13, GTIN-14. */
const GTIN_LENGTHS: ReadonlySet<number> = new Set([8, 12, 13, 14]);

/** The key a SKU is compared on: "ele-sma-000123" -> "ELESMA000123". */
export function skuKey(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9]+/g, '');
}

/**
 * Worth looking up as a SKU prefix or separator-free SKU: one token (spaces allowed between
 * parts), at least 3 key characters, and a digit or a separator between letters ("ELE-SMA",
 * "elesma0001"). A plain word ("sofa", "hom") is never treated as a code prefix, so typing a
 * word does not fill the list with SKUs that happen to start with it.
 */
export function looksLikeSkuFragment(text: string): boolean {
  const t = text.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/.test(t) || skuKey(t).length < 3) return false;
  return /\d/.test(t) || /[A-Za-z0-9][ ._-]+[A-Za-z0-9]/.test(t);
}

export function isGtinShaped(text: string): boolean {
  return /^\d+$/.test(text) && GTIN_LENGTHS.has(text.length);
}

/** The check digit for a GTIN body (all digits but the last). */
export function gtinCheckDigit(body: string): number {
  let sum = 0;
  for (let i = body.length - 1, w = 3; i >= 0; i--, w = w === 3 ? 1 : 3) {
    sum += Number(body[i]) * w;
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidGtin(code: string): boolean {
  return isGtinShaped(code) && gtinCheckDigit(code.slice(0, -1)) === Number(code.at(-1));
}

/**
 * Valid codes one edit away from an invalid GTIN: for each position, the one digit that makes
 * the check digit right, then every swap of neighbours that does. Empty for a valid code or
 * anything that is not GTIN-shaped. Order: by position, substitutions before swaps.
 */
export function gtinCorrections(code: string): string[] {
  if (!isGtinShaped(code) || isValidGtin(code)) return [];
  const out: string[] = [];
  for (let i = 0; i < code.length; i++) {
    for (let d = 0; d <= 9; d++) {
      if (String(d) === code[i]) continue;
      const candidate = code.slice(0, i) + String(d) + code.slice(i + 1);
      if (isValidGtin(candidate)) {
        out.push(candidate);
        break;
      }
    }
  }
  for (let i = 0; i + 1 < code.length; i++) {
    if (code[i] === code[i + 1]) continue;
    const swapped = code.slice(0, i) + (code[i + 1] ?? '') + (code[i] ?? '') + code.slice(i + 2);
    if (isValidGtin(swapped) && !out.includes(swapped)) out.push(swapped);
  }
  return out;
}

/**
 * Code 128 for receipt numbers (issue 13: the returns screen scans the receipt's barcode). The
 * encoding (start code, automatic A/B/C switching, check character, stop) is jsbarcode's; this
 * module turns its modules into bars for an inline SVG: no canvas, no inline styles (the CSP
 * stays strict), nothing fetched at run time, about 15 kB of the library in the bundle.
 */
import code128Module from 'jsbarcode/bin/barcodes/CODE128/CODE128_AUTO.js';

// A CommonJS module marked __esModule: a bundler hands over its `default`, Node's ESM loader
// the exports object holding it.
const CODE128 = 'default' in code128Module ? code128Module.default : code128Module;

export interface Code128 {
  /** Bars as [first module, width in modules], left to right. */
  bars: Array<[number, number]>;
  /** Modules from the first bar to the end of the last one. */
  width: number;
}

/** The bars of `text` (ASCII), or null when Code 128 cannot carry it. */
export function code128(text: string): Code128 | null {
  const symbol = new CODE128(text, {});
  if (text.length === 0 || !symbol.valid()) return null;
  const modules = symbol.encode().data;
  const bars: Array<[number, number]> = [];
  for (let i = 0; i < modules.length;) {
    if (modules[i] !== '1') {
      i += 1;
      continue;
    }
    let j = i;
    while (modules[j] === '1') j += 1;
    bars.push([i, j - i]);
    i = j;
  }
  return { bars, width: modules.length };
}

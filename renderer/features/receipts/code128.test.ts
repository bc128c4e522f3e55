import { describe, expect, it } from 'vitest';
import { code128 } from './code128';

/** Code 128 patterns by value (bar, space, bar... widths), from the symbology's table. */
const START_B = '211214';
const STOP = '2331112';

function widths(bars: Array<[number, number]>, width: number): string {
  // Alternate bar and space widths from the bars' positions.
  const out: number[] = [];
  let at = 0;
  for (const [x, w] of bars) {
    if (x > at) out.push(x - at);
    out.push(w);
    at = x + w;
  }
  expect(at).toBe(width);
  return out.join('');
}

describe('code128', () => {
  it('draws start B, the data, the check character and the stop for a short text', () => {
    // "A": value 33 in set B (111323); check (104 + 33) mod 103 = 34 (131123).
    const symbol = code128('A')!;
    expect(widths(symbol.bars, symbol.width)).toBe(`${START_B}111323131123${STOP}`);
  });

  it('encodes a receipt number and refuses what Code 128 cannot carry', () => {
    const symbol = code128('SEATTLE-R02-000123')!;
    expect(symbol.bars.length).toBeGreaterThan(20);
    expect(symbol.width % 11).toBe(2); // 11 modules per character, 13 for the stop
    expect(code128('')).toBeNull();
    expect(code128('Ω')).toBeNull();
  });
});

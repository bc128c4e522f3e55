/**
 * The decoded receipt (decoder.ts) as HTML, laid out as the printer lays it out: Font A's fixed
 * columns, bold, alignment, and the Code 128 barcode drawn from its data (code set B, with its
 * check symbol), so a picture of the page shows what the roll would show.
 */
import type { Decoded } from './decoder';

// Code 128 bar/space widths of symbols 0-106 (106 = stop).
// prettier-ignore
const PATTERNS = [
  '212222', '222122', '222221', '121223', '121322', '131222', '122213', '122312', '132212', '221213',
  '221312', '231212', '112232', '122132', '122231', '113222', '123122', '123221', '223211', '221132',
  '221231', '213212', '223112', '312131', '311222', '321122', '321221', '312212', '322112', '322211',
  '212123', '212321', '232121', '111323', '131123', '131321', '112313', '132113', '132311', '211313',
  '231113', '231311', '112133', '112331', '132131', '113123', '113321', '133121', '313121', '211331',
  '231131', '213113', '213311', '213131', '311123', '311321', '331121', '312113', '312311', '332111',
  '314111', '221411', '431111', '111224', '111422', '121124', '121421', '141122', '141221', '112214',
  '112412', '122114', '122411', '142112', '142211', '241211', '221114', '413111', '241112', '134111',
  '111242', '121142', '121241', '114212', '124112', '124211', '411212', '421112', '421211', '212141',
  '214121', '412121', '111143', '111341', '131141', '114113', '114311', '411113', '411311', '113141',
  '114131', '311141', '411131', '211412', '211214', '211232', '2331112',
];
const START_B = 104;
const STOP = 106;

/** Module widths (bar, space, bar, ...) of `data` in Code 128 code set B. */
export function code128B(data: string): number[] {
  const symbols = [...data].map((ch) => {
    const code = ch.charCodeAt(0);
    if (code < 32 || code > 126) throw new Error(`not in code set B: ${ch}`);
    return code - 32;
  });
  const check = symbols.reduce((sum, s, i) => sum + s * (i + 1), START_B) % 103;
  return [START_B, ...symbols, check, STOP].flatMap((s) =>
    [...(PATTERNS[s] ?? '')].map((w) => Number(w)),
  );
}

const escape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function barcodeSvg(data: string, height: number, module = 2): string {
  const widths = code128B(data);
  const quiet = 10 * module;
  let x = quiet;
  const bars: string[] = [];
  widths.forEach((w, i) => {
    if (i % 2 === 0) bars.push(`<rect x="${x}" y="0" width="${w * module}" height="${height}"/>`);
    x += w * module;
  });
  const width = x + quiet;
  return `<svg data-testid="barcode" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${bars.join('')}</svg>`;
}

/** A self-contained page: one 80 mm roll (`columns` characters wide), black on white. */
export function receiptHtml(decoded: Decoded, columns: number): string {
  const body = decoded.blocks
    .map((b) => {
      if (b.kind === 'line') {
        const text = b.segments
          .map((s) => (s.bold ? `<b>${escape(s.text)}</b>` : escape(s.text)))
          .join('');
        return `<div class="line" style="text-align:${b.align}">${text || '&nbsp;'}</div>`;
      }
      if (b.kind === 'barcode')
        return `<div class="code" style="text-align:${b.align}">${barcodeSvg(b.data, b.height)}<div>${escape(b.data)}</div></div>`;
      if (b.kind === 'cut') return '<div class="cut" data-testid="cut"></div>';
      return '';
    })
    .join(''); // no whitespace between blocks: the roll keeps white-space: pre
  return `<!doctype html><html><head><meta charset="utf-8"><style>
  body { margin: 0; background: #ddd; }
  .roll { background: #fff; color: #000; width: ${columns}ch; padding: 12px; margin: 0;
          font: 16px/1.25 'DejaVu Sans Mono', monospace; white-space: pre; }
  .code { padding: 6px 0; } .code svg { fill: #000; display: inline-block; }
  .cut { border-top: 2px dashed #888; margin-top: 12px; }
  </style></head><body><div class="roll" data-testid="roll">${body}</div></body></html>`;
}

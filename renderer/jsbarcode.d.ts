/**
 * The one piece of jsbarcode the till uses: its Code 128 encoder (automatic A/B/C switching), a
 * CommonJS module without types of its own. It turns text into the bar/space modules only; the
 * receipt draws them as inline SVG itself (renderer/features/receipts/Barcode.tsx).
 */
declare module 'jsbarcode/bin/barcodes/CODE128/CODE128_AUTO.js' {
  type Code128Class = new (
    data: string,
    options: Record<string, never>,
  ) => {
    valid(): boolean;
    /** `data`: one character per module, '1' a bar and '0' a space, quiet zones not included. */
    encode(): { text: string; data: string };
  };
  const exported: Code128Class | { default: Code128Class };
  export default exported;
}

/** The symbology's table (tests read barcodes back with it: test/fixtures/code128-decode.ts). */
declare module 'jsbarcode/bin/barcodes/CODE128/constants.js' {
  export const BARS: number[];
}

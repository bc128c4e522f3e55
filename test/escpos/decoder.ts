/**
 * A small ESC/POS decoder for the commands the till emits (till/printer/receipt-escpos.ts):
 * text, bold, alignment, cut, drawer pulse and barcodes, plus the setup commands the encoder
 * sends around them. Anything else is an error, so a test fails when the printer would get a
 * command nobody checked.
 */

export type Align = 'left' | 'center' | 'right';

export interface Segment {
  text: string;
  bold: boolean;
}
export type Block =
  | { kind: 'line'; align: Align; segments: Segment[] }
  | { kind: 'barcode'; align: Align; symbology: 'code128' | number; data: string; height: number }
  | { kind: 'cut' }
  | { kind: 'pulse'; pin: number; onMs: number; offMs: number }
  | { kind: 'status'; n: number };

export interface Decoded {
  blocks: Block[];
  /** The printed text lines (a barcode prints as `[barcode DATA]`). */
  lines: string[];
  barcodes: string[];
  cuts: number;
  pulses: Array<{ pin: number; onMs: number; offMs: number }>;
  statusRequests: number[];
}

const ALIGN: Record<number, Align> = {
  0: 'left',
  1: 'center',
  2: 'right',
  48: 'left',
  49: 'center',
  50: 'right',
};

export function decodeEscPos(input: Uint8Array): Decoded {
  const b = input;
  const blocks: Block[] = [];
  let i = 0;
  let bold = false;
  let align: Align = 'left';
  let barcodeHeight = 162;
  let segments: Segment[] = [];
  let text = '';
  const flushText = (): void => {
    if (text) segments.push({ text, bold });
    text = '';
  };
  const endLine = (): void => {
    flushText();
    blocks.push({ kind: 'line', align, segments });
    segments = [];
  };
  const need = (n: number, what: string): void => {
    if (i + n > b.length) throw new Error(`truncated ${what} at byte ${i}`);
  };
  const at = (k: number): number => b[i + k] ?? 0;
  while (i < b.length) {
    const c = at(0);
    if (c === 0x0a) {
      endLine();
      i += 1;
    } else if (c === 0x0d) {
      i += 1;
    } else if (c === 0x1b) {
      need(2, 'ESC');
      const cmd = at(1);
      if (cmd === 0x40) {
        bold = false;
        align = 'left';
        i += 2;
      } else if (cmd === 0x45) {
        need(3, 'ESC E');
        flushText();
        bold = (at(2) & 1) === 1;
        i += 3;
      } else if (cmd === 0x61) {
        need(3, 'ESC a');
        const a = ALIGN[at(2)];
        if (!a) throw new Error(`ESC a ${at(2)}`);
        align = a;
        i += 3;
      } else if (cmd === 0x70) {
        need(5, 'ESC p');
        flushText();
        blocks.push({ kind: 'pulse', pin: at(2) & 1, onMs: at(3) * 2, offMs: at(4) * 2 });
        i += 5;
      } else if (cmd === 0x74 || cmd === 0x4d || cmd === 0x2d || cmd === 0x33) {
        need(3, 'ESC t/M/-/3'); // code page, font, underline, line spacing: no effect on layout here
        i += 3;
      } else if (cmd === 0x32) {
        i += 2;
      } else throw new Error(`unknown ESC 0x${cmd.toString(16)} at byte ${i}`);
    } else if (c === 0x1d) {
      need(2, 'GS');
      const cmd = at(1);
      if (cmd === 0x56) {
        need(3, 'GS V');
        const m = at(2);
        flushText();
        if (segments.length) endLine();
        blocks.push({ kind: 'cut' });
        i += m === 65 || m === 66 ? 4 : 3;
      } else if (cmd === 0x68) {
        need(3, 'GS h');
        barcodeHeight = at(2);
        i += 3;
      } else if (cmd === 0x77 || cmd === 0x48 || cmd === 0x66 || cmd === 0x21 || cmd === 0x42) {
        need(3, 'GS w/H/f/!/B'); // barcode width, HRI position and font, text size, invert
        i += 3;
      } else if (cmd === 0x6b) {
        need(3, 'GS k');
        const m = at(2);
        let data: number[];
        if (m >= 65) {
          const n = at(3);
          need(4 + n, 'GS k data');
          data = [...b.slice(i + 4, i + 4 + n)];
          i += 4 + n;
        } else {
          const end = b.indexOf(0, i + 3);
          if (end < 0) throw new Error('GS k without NUL');
          data = [...b.slice(i + 3, end)];
          i = end + 1;
        }
        let value = String.fromCharCode(...data);
        // Code 128 (m = 73) starts with the code set: {A, {B or {C.
        if (m === 73) {
          if (!/^\{[ABC]/.test(value)) throw new Error(`Code 128 without a code set: ${value}`);
          value = value.slice(2);
        }
        flushText();
        blocks.push({
          kind: 'barcode',
          align,
          symbology: m === 73 ? 'code128' : m,
          data: value,
          height: barcodeHeight,
        });
      } else throw new Error(`unknown GS 0x${cmd.toString(16)} at byte ${i}`);
    } else if (c === 0x1c) {
      need(2, 'FS');
      if (at(1) !== 0x2e) throw new Error(`unknown FS 0x${at(1).toString(16)}`);
      i += 2; // FS . cancels Kanji mode
    } else if (c === 0x10) {
      need(3, 'DLE');
      if (at(1) !== 0x04) throw new Error(`unknown DLE 0x${at(1).toString(16)}`);
      blocks.push({ kind: 'status', n: at(2) });
      i += 3;
    } else if (c < 0x20) {
      throw new Error(`unknown control 0x${c.toString(16)} at byte ${i}`);
    } else {
      text += String.fromCharCode(c);
      i += 1;
    }
  }
  flushText();
  if (segments.length) endLine();
  const lines = blocks.flatMap((x) =>
    x.kind === 'line'
      ? [x.segments.map((s) => s.text).join('')]
      : x.kind === 'barcode'
        ? [`[barcode ${x.data}]`]
        : [],
  );
  return {
    blocks,
    lines,
    barcodes: blocks.flatMap((x) => (x.kind === 'barcode' ? [x.data] : [])),
    cuts: blocks.filter((x) => x.kind === 'cut').length,
    pulses: blocks.flatMap((x) =>
      x.kind === 'pulse' ? [{ pin: x.pin, onMs: x.onMs, offMs: x.offMs }] : [],
    ),
    statusRequests: blocks.flatMap((x) => (x.kind === 'status' ? [x.n] : [])),
  };
}

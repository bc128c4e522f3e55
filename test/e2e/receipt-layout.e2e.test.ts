/**
 * The printed layout (issue 18, item 5): the ESC/POS bytes of a receipt are decoded
 * (test/escpos/decoder.ts), drawn as the roll would print them (test/escpos/render.ts: Font A's
 * columns, bold, alignment, the Code 128 barcode from its data) and photographed in Chromium.
 * Asserts the picture: the roll's width, no line wider than the roll, a barcode with bars.
 * Saves test-results/receipt-80mm.png (docs/receipt-80mm.png is a copy).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEscPos } from '../escpos/decoder';
import { sampleReceipt } from '../escpos/fixtures';
import { receiptHtml } from '../escpos/render';
import { encodeReceipt } from '../../till/printer/receipt-escpos';
import { launchBrowser, type Browser } from './helpers/web-app';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser.close();
});

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('the printed receipt, as a picture', () => {
  it('fits the 80 mm roll and carries the receipt barcode', async () => {
    const decoded = decodeEscPos(
      encodeReceipt(sampleReceipt(), { paperWidth: 80, openDrawer: true }),
    );
    const { page } = browser;
    await page.setViewportSize({ width: 900, height: 1600 });
    await page.setContent(receiptHtml(decoded, 48));
    const roll = page.getByTestId('roll');

    // No printed line is wider than the roll (48 columns of Font A on 80 mm).
    const overflow = await page.$$eval('.line', (lines) =>
      lines.filter((l) => l.scrollWidth > l.clientWidth).map((l) => l.textContent),
    );
    expect(overflow).toEqual([]);

    // The barcode is there, centred, with bars: dark pixels are a good part of its picture.
    const barcode = page.getByTestId('barcode');
    await expect.poll(() => barcode.count()).toBe(1);
    const code = await barcode.screenshot();
    const ink = await page.evaluate(async (base64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${base64}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d');
      if (!ctx) return -1;
      ctx.drawImage(img, 0, 0);
      const { data } = ctx.getImageData(0, 0, img.width, img.height);
      let dark = 0;
      for (let i = 0; i < data.length; i += 4) if ((data[i] ?? 255) < 128) dark += 1;
      return dark / (img.width * img.height);
    }, code.toString('base64'));
    expect(ink).toBeGreaterThan(0.3);
    expect(ink).toBeLessThan(0.7);
    const [rollBox, codeBox] = [await roll.boundingBox(), await barcode.boundingBox()];
    if (!rollBox || !codeBox) throw new Error('not laid out');
    const centre = (b: { x: number; width: number }): number => b.x + b.width / 2;
    expect(Math.abs(centre(codeBox) - centre(rollBox))).toBeLessThan(4);

    await mkdir('test-results', { recursive: true });
    const png = await roll.screenshot({ path: join('test-results', 'receipt-80mm.png') });
    const size = pngSize(png);
    // 48 columns of a 16 px monospace font (~9.6 px each) plus padding; a roll is tall.
    expect(size.width).toBeGreaterThan(400);
    expect(size.width).toBeLessThan(560);
    expect(size.height).toBeGreaterThan(size.width);
  });
});

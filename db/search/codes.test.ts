import { describe, expect, it } from 'vitest';
import {
  gtinCheckDigit,
  gtinCorrections,
  isValidGtin,
  looksLikeSkuFragment,
  skuKey,
} from './codes';

describe('GTIN check digits', () => {
  it('validates EAN-13, UPC-A, EAN-8 and GTIN-14 codes', () => {
    expect(isValidGtin('4006381333931')).toBe(true); // EAN-13
    expect(isValidGtin('036000291452')).toBe(true); // UPC-A
    expect(isValidGtin('96385074')).toBe(true); // EAN-8
    expect(isValidGtin('10012345678902')).toBe(true); // GTIN-14
    expect(isValidGtin('4006381333932')).toBe(false);
    expect(isValidGtin('40063813339')).toBe(false); // 11 digits: not a GTIN length
    expect(isValidGtin('400638133393a')).toBe(false);
    expect(gtinCheckDigit('400638133393')).toBe(1);
  });

  it('offers, for one wrong digit, exactly one repair per position, the intended code among them', () => {
    const intended = '2000000012345'.slice(0, 12);
    const code = intended + String(gtinCheckDigit(intended));
    for (let i = 0; i < code.length; i++) {
      const wrong = code.slice(0, i) + String((Number(code[i]) + 4) % 10) + code.slice(i + 1);
      expect(isValidGtin(wrong)).toBe(false);
      const fixes = gtinCorrections(wrong);
      expect(fixes).toContain(code);
      for (const f of fixes) expect(isValidGtin(f)).toBe(true);
      expect(fixes.length).toBeLessThanOrEqual(2 * code.length);
    }
  });

  it('repairs swapped neighbours and leaves valid or non-GTIN input alone', () => {
    expect(gtinCorrections('4006381339331')).toContain('4006381333931');
    expect(gtinCorrections('4006381333931')).toEqual([]);
    expect(gtinCorrections('12345')).toEqual([]);
    expect(gtinCorrections('sofa')).toEqual([]);
  });
});

describe('SKU keys and fragments', () => {
  it('compares SKUs without case or separators', () => {
    expect(skuKey('ele-sma-000123')).toBe('ELESMA000123');
    expect(skuKey('ELE SMA 000123')).toBe('ELESMA000123');
  });

  it('treats only code-looking text as a SKU fragment, never a plain word', () => {
    expect(looksLikeSkuFragment('ELE-SMA')).toBe(true);
    expect(looksLikeSkuFragment('elesma0001')).toBe(true);
    expect(looksLikeSkuFragment('hom-sof-00')).toBe(true);
    expect(looksLikeSkuFragment('sofa')).toBe(false);
    expect(looksLikeSkuFragment('hom')).toBe(false);
    expect(looksLikeSkuFragment('e1')).toBe(false);
    expect(looksLikeSkuFragment("nike' OR '1'='1")).toBe(false);
  });
});

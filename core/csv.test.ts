import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv } from './csv';

describe('parseCsv', () => {
  it('splits fields and lines, with quotes, doubled quotes and CRLF', () => {
    expect(parseCsv('sku,price\r\nA-1,"1,50"\n"say ""hi""",2\n')).toEqual([
      { line: 1, fields: ['sku', 'price'] },
      { line: 2, fields: ['A-1', '1,50'] },
      { line: 3, fields: ['say "hi"', '2'] },
    ]);
  });

  it('skips blank lines but keeps the line numbers of the others', () => {
    expect(parseCsv('a,b\n\n\nc,d')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 4, fields: ['c', 'd'] },
    ]);
  });

  it('keeps newlines inside quotes and counts them', () => {
    expect(parseCsv('"two\nlines",x\ny,z')).toEqual([
      { line: 1, fields: ['two\nlines', 'x'] },
      { line: 3, fields: ['y', 'z'] },
    ]);
  });

  it('refuses an unclosed quote, naming its line', () => {
    expect(() => parseCsv('a,b\n"open,c')).toThrow(CsvError);
    expect(() => parseCsv('a,b\n"open,c')).toThrow('Line 2: a quoted field is never closed');
  });
});

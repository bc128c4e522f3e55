import { describe, expect, it } from 'vitest';
import { boolArray, intArray, textArray } from './pg-arrays';

describe('array literals', () => {
  it('quotes every string, escapes quotes and backslashes, and keeps NULL apart from "NULL"', () => {
    expect(textArray(['a', null, 'NULL', 'x,y}', 'say "hi"', 'back\\slash', ''])).toBe(
      '{"a",NULL,"NULL","x,y}","say \\"hi\\"","back\\\\slash",""}',
    );
    expect(textArray([])).toBe('{}');
  });

  it('writes integers as they are and refuses anything that is not a safe integer', () => {
    expect(intArray([1, -2, null, 0])).toBe('{1,-2,NULL,0}');
    expect(() => intArray([1.5])).toThrow(TypeError);
    expect(() => intArray([Number.NaN])).toThrow(TypeError);
  });

  it('writes booleans as t/f', () => {
    expect(boolArray([true, false, null])).toBe('{t,f,NULL}');
  });
});

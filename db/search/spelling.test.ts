import { describe, expect, it } from 'vitest';
import { corrections, editDistance, maxDistance } from './spelling';

const words = (list: string, field = 1): Array<{ word: string; field: number }> =>
  list.split(' ').map((word) => ({ word, field }));

describe('editDistance', () => {
  it('charges half for the mistakes people make most', () => {
    expect(editDistance('colombia', 'columbia')).toBe(0.5); // vowel for vowel
    expect(editDistance('dison', 'dyson')).toBe(0.5); // i / y
    expect(editDistance('mishelin', 'michelin')).toBe(0.5); // s / c
    expect(editDistance('brookks', 'brooks')).toBe(0.5); // doubled letter
    expect(editDistance('sofa', 'soffa')).toBe(0.5); // a letter typed once where it is doubled
    expect(editDistance('lmap', 'lamp')).toBe(0.5); // swapped neighbours
    expect(editDistance('runnimg', 'running')).toBe(0.5); // n / m are neighbours
    expect(editDistance('tabet', 'tablet')).toBe(1); // a letter left out
    expect(editDistance('pizza', 'pixel')).toBeGreaterThan(maxDistance(5));
  });
});

describe('corrections', () => {
  const vocabulary = [
    ...words('columbia dyson michelin sony sonic anker acer bose headphones novel sofa'),
    ...words('base', 3),
  ];

  it('finds the brand a misspelling sounds like', () => {
    expect(corrections('colombia', vocabulary)).toEqual(['columbia']);
    expect(corrections('dison', vocabulary)).toEqual(['dyson']);
    expect(corrections('mishelin', vocabulary)).toEqual(['michelin']);
    expect(corrections('soni', vocabulary)).toEqual(['sony']);
    expect(corrections('ancer', vocabulary)).toEqual(['anker']);
    expect(corrections('headphnoes', vocabulary)).toEqual(['headphones']);
  });

  it('prefers names and brands over words that only broader terms use', () => {
    expect(corrections('buse', vocabulary)).toEqual(['bose']);
  });

  it('offers nothing for words too far from every catalog word, or too short to judge', () => {
    expect(corrections('pizza', vocabulary)).toEqual([]);
    expect(corrections('xqzt', vocabulary)).toEqual([]);
    expect(corrections('so', vocabulary)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { builtinEmbedder } from './embedding/builtin';
import { assignCells, kMeans, nearestCentroid } from './kmeans';

const unit = (xs: number[]): Float32Array => {
  const n = Math.sqrt(xs.reduce((s, x) => s + x * x, 0));
  return Float32Array.from(xs, (x) => x / n);
};

describe('kMeans', () => {
  it('separates clear groups and puts each vector with its own group', () => {
    const a = [unit([1, 0.1, 0]), unit([1, 0, 0.1]), unit([0.9, 0.1, 0.1])];
    const b = [unit([0, 1, 0.1]), unit([0.1, 1, 0]), unit([0, 0.9, 0.1])];
    const centroids = kMeans([...a, ...b], { k: 2 });
    const cells = assignCells([...a, ...b], centroids);
    expect(new Set(cells.slice(0, 3)).size).toBe(1);
    expect(new Set(cells.slice(3)).size).toBe(1);
    expect(cells[0]).not.toBe(cells[3]);
  });

  it('is deterministic: the same vectors always give the same centroids, bit for bit', () => {
    const texts = Array.from(
      { length: 300 },
      (_, i) => `product ${i % 17} colour ${i % 5} size ${i}`,
    );
    const vectors = texts.map((t) => Float32Array.from(builtinEmbedder.embedSync(t)));
    const one = kMeans(vectors, { k: 12 });
    const two = kMeans(vectors, { k: 12 });
    expect(one.map((c) => Array.from(c))).toEqual(two.map((c) => Array.from(c)));
    expect(assignCells(vectors, one)).toEqual(assignCells(vectors, two));
    expect(one.length).toBe(12);
  });

  it('copes with no vectors, fewer vectors than cells, and identical vectors', () => {
    expect(kMeans([], { k: 4 })).toEqual([]);
    const same = [unit([1, 2, 3]), unit([1, 2, 3])];
    expect(kMeans(same, { k: 5 }).length).toBe(1);
    expect(nearestCentroid(unit([1, 2, 3]), kMeans(same, { k: 5 }))).toBe(0);
  });
});

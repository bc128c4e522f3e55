/**
 * Deterministic spherical k-means for the vector cells (vector-cells.ts): the same vectors in
 * the same order always give the same centroids, bit for bit (a seeded PRNG, fixed iteration
 * count, ties broken by index; only + * / and Math.sqrt). Pure code, no I/O.
 *
 * Vectors are unit length (every embedder normalises), so the nearest centroid by cosine is
 * the one with the largest dot product; centroids are re-normalised after each step.
 */

/** mulberry32: small, fast, seedable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] ?? 0) * (v[i] ?? 0);
  const n = Math.sqrt(s);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / n;
  return v;
}

/** The non-zero entries of a vector (hashed-feature embeddings are mostly zeros). */
interface Sparse {
  index: Int32Array;
  value: Float32Array;
}
function sparse(v: Float32Array): Sparse {
  const index: number[] = [];
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) index.push(i);
  return { index: Int32Array.from(index), value: Float32Array.from(index, (i) => v[i] ?? 0) };
}

function nearest(v: Sparse, centroids: readonly Float32Array[]): number {
  let best = 0;
  let bestDot = -Infinity;
  for (let c = 0; c < centroids.length; c++) {
    const centroid = centroids[c]!;
    let d = 0;
    for (let j = 0; j < v.index.length; j++) d += v.value[j]! * centroid[v.index[j]!]!;
    if (d > bestDot) {
      bestDot = d;
      best = c;
    }
  }
  return best;
}

/** Index of the centroid with the largest dot product (lowest index on ties). */
export function nearestCentroid(v: Float32Array, centroids: readonly Float32Array[]): number {
  return nearest(sparse(v), centroids);
}

/** The nearest centroid of every vector (see nearestCentroid). */
export function assignCells(
  vectors: readonly Float32Array[],
  centroids: readonly Float32Array[],
): number[] {
  return vectors.map((v) => nearest(sparse(v), centroids));
}

export interface KMeansOptions {
  k: number;
  /** Lloyd iterations over the training sample. */
  iterations?: number;
  /** At most this many vectors train the centroids (an evenly spaced sample). */
  sample?: number;
  seed?: number;
}

/**
 * k centroids for `vectors` (k-means++ seeding from a seeded PRNG, then Lloyd iterations on
 * an evenly spaced sample). Returns fewer than k when there are fewer distinct vectors.
 */
export function kMeans(vectors: readonly Float32Array[], options: KMeansOptions): Float32Array[] {
  const n = vectors.length;
  if (n === 0) return [];
  const k = Math.max(1, Math.min(options.k, n));
  const step = Math.max(1, Math.floor(n / (options.sample ?? 12_000)));
  const train = vectors.filter((_, i) => i % step === 0);
  const random = prng(options.seed ?? 0x5eed);
  const trainSparse = train.map(sparse);
  const sparseDot = (t: number, c: Float32Array): number => {
    const v = trainSparse[t]!;
    let d = 0;
    for (let j = 0; j < v.index.length; j++) d += v.value[j]! * c[v.index[j]!]!;
    return d;
  };

  // k-means++: each next centroid drawn with probability proportional to its distance.
  const centroids: Float32Array[] = [
    Float32Array.from(train[Math.floor(random() * train.length)]!),
  ];
  const distance = train.map((_, t) => 1 - sparseDot(t, centroids[0]!));
  while (centroids.length < k) {
    const total = distance.reduce((s, d) => s + Math.max(0, d), 0);
    if (total <= 1e-12) break; // all remaining vectors coincide with a centroid
    let r = random() * total;
    let pick = train.length - 1;
    for (let i = 0; i < train.length; i++) {
      r -= Math.max(0, distance[i] ?? 0);
      if (r <= 0) {
        pick = i;
        break;
      }
    }
    const c = Float32Array.from(train[pick]!);
    centroids.push(c);
    train.forEach((_, i) => {
      const d = 1 - sparseDot(i, c);
      if (d < (distance[i] ?? Infinity)) distance[i] = d;
    });
  }

  const dim = train[0]?.length ?? 0;
  for (let iteration = 0; iteration < (options.iterations ?? 8); iteration++) {
    const sums = centroids.map(() => new Float32Array(dim));
    const counts = centroids.map(() => 0);
    for (const [t, v] of train.entries()) {
      const c = nearest(trainSparse[t]!, centroids);
      const s = sums[c]!;
      for (let d = 0; d < dim; d++) s[d] = (s[d] ?? 0) + (v[d] ?? 0);
      counts[c] = (counts[c] ?? 0) + 1;
    }
    // An empty cluster keeps its centroid (it still partitions space deterministically).
    sums.forEach((s, c) => {
      if ((counts[c] ?? 0) > 0) centroids[c] = normalize(s);
    });
  }
  return centroids;
}

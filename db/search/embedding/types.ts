/**
 * The embedding contract. A model is identified by `id` (stored in
 * retail.product_embeddings.embedding_model) and has one `dimension`; vectors of different
 * models are never compared (every vector query filters on the model id).
 */
import { ErrorKind, PosError, ValidationError } from '../../errors';

export interface Embedder {
  /** Stable model id, e.g. "edge-hash-256-v1" or "text-embedding-3-small". */
  readonly id: string;
  readonly dimension: number;
  /** One unit-length vector per text, in order. */
  embed(texts: string[]): Promise<Float32Array[] | number[][]>;
}

/** Model ids become SQL literals in index DDL and partial-index predicates: keep them plain. */
export const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
/** pgvector HNSW indexes `vector` up to 2,000 dimensions. */
export const MAX_INDEXED_DIMENSION = 2_000;

export function assertModel(embedder: Pick<Embedder, 'id' | 'dimension'>): void {
  if (!MODEL_ID.test(embedder.id)) {
    throw new ValidationError(
      `Embedding model id ${JSON.stringify(embedder.id)} is not a plain identifier`,
    );
  }
  if (
    !Number.isInteger(embedder.dimension) ||
    embedder.dimension < 1 ||
    embedder.dimension > MAX_INDEXED_DIMENSION
  ) {
    throw new ValidationError(
      `Embedding dimension must be an integer in 1..${MAX_INDEXED_DIMENSION}, got ${embedder.dimension}`,
    );
  }
}

export const EmbeddingFailure = {
  /** Required configuration (URL, key, model directory) is missing or malformed. */
  notConfigured: 'not_configured',
  /** The provider could not be reached (network error, timeout). */
  unreachable: 'unreachable',
  /** The provider answered with an error status. */
  httpStatus: 'http_status',
  /** The provider answered something that is not a valid embedding response. */
  badResponse: 'bad_response',
  /** The provider returned vectors of another dimension than configured. */
  dimensionMismatch: 'dimension_mismatch',
  /** The runtime package the provider needs is not installed or cannot load here. */
  packageMissing: 'package_missing',
  /** The local model directory does not hold a loadable model. */
  modelMissing: 'model_missing',
} as const;
export type EmbeddingFailure = (typeof EmbeddingFailure)[keyof typeof EmbeddingFailure];

/**
 * An optional provider cannot embed right now. Callers fall back to the built-in model (and
 * say so); they never mix this provider's vectors with another model's.
 */
export class EmbeddingProviderError extends PosError {
  readonly provider: string;
  readonly reason: EmbeddingFailure;
  readonly status: number | undefined;
  constructor(options: {
    provider: string;
    reason: EmbeddingFailure;
    message: string;
    status?: number;
    cause?: unknown;
  }) {
    super(
      options.reason === EmbeddingFailure.notConfigured
        ? ErrorKind.validation
        : ErrorKind.invalidState,
      options.message,
      {
        cause: options.cause,
      },
    );
    this.provider = options.provider;
    this.reason = options.reason;
    this.status = options.status;
  }
}

/** Check shape and length of provider output and return unit-length Float32Arrays. */
export function toUnitVectors(
  provider: string,
  dimension: number,
  vectors: ReadonlyArray<ArrayLike<number>>,
  expected: number,
): Float32Array[] {
  if (vectors.length !== expected) {
    throw new EmbeddingProviderError({
      provider,
      reason: EmbeddingFailure.badResponse,
      message: `${provider} returned ${vectors.length} vectors for ${expected} texts`,
    });
  }
  return vectors.map((v) => {
    if (v.length !== dimension) {
      throw new EmbeddingProviderError({
        provider,
        reason: EmbeddingFailure.dimensionMismatch,
        message: `${provider} returned a ${v.length}-dimension vector; the model is configured for ${dimension}`,
      });
    }
    const out = new Float32Array(dimension);
    let norm = 0;
    for (let i = 0; i < dimension; i++) {
      const x = Number(v[i]);
      if (!Number.isFinite(x)) {
        throw new EmbeddingProviderError({
          provider,
          reason: EmbeddingFailure.badResponse,
          message: `${provider} returned a non-finite value`,
        });
      }
      out[i] = x;
      norm += x * x;
    }
    if (norm === 0) {
      throw new EmbeddingProviderError({
        provider,
        reason: EmbeddingFailure.badResponse,
        message: `${provider} returned a zero vector`,
      });
    }
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < dimension; i++) out[i] = (out[i] ?? 0) * scale;
    return out;
  });
}

/**
 * pgvector's text form, e.g. "[0.1,-0.2]". pgvector stores float32; nine significant digits
 * round-trip any float32 exactly, and are half the text of a double's 17.
 */
export function vectorLiteral(vector: ArrayLike<number>): string {
  let s = '[';
  for (let i = 0; i < vector.length; i++) {
    const x = Number(vector[i]);
    s += (i === 0 ? '' : ',') + String(Number.isFinite(x) ? Number(x.toPrecision(9)) : x);
  }
  return `${s}]`;
}

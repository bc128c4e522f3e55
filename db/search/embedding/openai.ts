/**
 * Optional provider: an OpenAI-compatible embeddings endpoint (POST {url}/embeddings), meant
 * for HQ, where the internet is available: `text-embedding-3-small`, 1536 dimensions, the
 * seed's model. HQ can compute these vectors and sync them down; a till only uses them if it
 * can also embed queries with the same model (it usually cannot, offline), so tills keep the
 * built-in model as their search model.
 *
 * Uses the platform `fetch` (Node 20 and browsers), no `node:` imports. Every failure is an
 * EmbeddingProviderError with a reason (not_configured, unreachable, http_status,
 * bad_response, dimension_mismatch); it never returns a vector of the wrong size.
 */
import { z } from 'zod';
import {
  EmbeddingFailure,
  EmbeddingProviderError,
  MODEL_ID,
  toUnitVectors,
  type Embedder,
} from './types';
import { getErrorMessage } from '../../../contract/errors';

export const OpenAIEmbedderConfig = z.object({
  /** Base URL, e.g. https://api.openai.com/v1 (the provider appends /embeddings). */
  url: z.url(),
  apiKey: z.string().min(1),
  model: z.string().min(1).default('text-embedding-3-small'),
  dimension: z.number().int().min(1).max(4_096).default(1_536),
  /** Model id stored with the vectors; defaults to `model`. */
  id: z.string().regex(MODEL_ID).optional(),
  timeoutMs: z.number().int().positive().default(15_000),
  /** Texts per request (the API accepts up to 2,048). */
  maxBatch: z.number().int().min(1).max(2_048).default(256),
});
export type OpenAIEmbedderConfig = z.input<typeof OpenAIEmbedderConfig>;

const Response = z.object({
  data: z.array(
    z.object({ index: z.number().int().nonnegative(), embedding: z.array(z.number()) }),
  ),
});

const PROVIDER = 'openai-compatible';

export interface OpenAIEmbedderDeps {
  /** Injected for tests of the HTTP contract; defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** Throws EmbeddingProviderError(not_configured) when the configuration is missing or invalid. */
export function createOpenAIEmbedder(config: unknown, deps: OpenAIEmbedderDeps = {}): Embedder {
  const parsed = OpenAIEmbedderConfig.safeParse(config ?? {});
  if (!parsed.success) {
    throw new EmbeddingProviderError({
      provider: PROVIDER,
      reason: EmbeddingFailure.notConfigured,
      message: `The embeddings endpoint is not configured: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'config'} ${i.message}`).join('; ')}`,
      cause: parsed.error,
    });
  }
  const c = parsed.data;
  const id = c.id ?? c.model;
  if (!MODEL_ID.test(id)) {
    throw new EmbeddingProviderError({
      provider: PROVIDER,
      reason: EmbeddingFailure.notConfigured,
      message: `Model id ${JSON.stringify(id)} is not a plain identifier`,
    });
  }
  const doFetch = deps.fetch ?? globalThis.fetch.bind(globalThis);
  const endpoint = `${c.url.replace(/\/+$/, '')}/embeddings`;

  async function request(texts: string[]): Promise<Float32Array[]> {
    let response: globalThis.Response;
    try {
      response = await doFetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${c.apiKey}` },
        body: JSON.stringify({ model: c.model, input: texts, encoding_format: 'float' }),
        signal: AbortSignal.timeout(c.timeoutMs),
      });
    } catch (error) {
      throw new EmbeddingProviderError({
        provider: PROVIDER,
        reason: EmbeddingFailure.unreachable,
        message: `Embeddings endpoint ${endpoint} unreachable: ${getErrorMessage(error)}`,
        cause: error,
      });
    }
    if (!response.ok) {
      const body = (await response.text().catch(() => '')).slice(0, 300);
      throw new EmbeddingProviderError({
        provider: PROVIDER,
        reason: EmbeddingFailure.httpStatus,
        status: response.status,
        message: `Embeddings endpoint answered ${response.status}${body ? `: ${body}` : ''}`,
      });
    }
    let payload: z.infer<typeof Response>;
    try {
      payload = Response.parse(await response.json());
    } catch (error) {
      throw new EmbeddingProviderError({
        provider: PROVIDER,
        reason: EmbeddingFailure.badResponse,
        message: 'Embeddings endpoint returned an unexpected body',
        cause: error,
      });
    }
    const ordered = [...payload.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
    return toUnitVectors(PROVIDER, c.dimension, ordered, texts.length);
  }

  return {
    id,
    dimension: c.dimension,
    async embed(texts: string[]): Promise<Float32Array[]> {
      const out: Float32Array[] = [];
      // The API rejects empty strings; a blank text gets a single space (any vector will do,
      // callers never store vectors for empty texts).
      const inputs = texts.map((t) => (t.trim() === '' ? ' ' : t));
      for (let i = 0; i < inputs.length; i += c.maxBatch)
        out.push(...(await request(inputs.slice(i, i + c.maxBatch))));
      return out;
    },
  };
}

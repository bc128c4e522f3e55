/**
 * Choosing the embedding model from configuration, with a safe fallback.
 *
 *   { provider: 'builtin' }                                       (default)
 *   { provider: 'openai', url, apiKey, model?, dimension? }       HQ
 *   { provider: 'local-model', modelDir, id, dimension, ... }     a till with a model on disk
 *
 * A missing or invalid configuration, a package that cannot load, a model directory without a
 * model or an endpoint that does not answer the probe: the selection logs a warning, reports
 * the typed error in `fallback`, and returns the built-in model. It never throws for a
 * provider problem, and it never returns a half-working provider: the search then uses one
 * model for both the query and the stored vectors.
 */
import { z } from 'zod';
import { errorResult } from '../../errors';
import type { Logger } from '../../logger';
import { silentLogger } from '../../logger';
import { builtinEmbedder } from './builtin';
import { createLocalModelEmbedder, type LocalModelDeps } from './local-model';
import { createOpenAIEmbedder, type OpenAIEmbedderDeps } from './openai';
import { EmbeddingFailure, EmbeddingProviderError, type Embedder } from './types';

export const EmbeddingProviderName = z.enum(['builtin', 'openai', 'local-model']);

export interface EmbedderSelection {
  embedder: Embedder;
  /** The provider the configuration asked for. */
  requested: string;
  /** Present when the requested provider could not be used and the built-in model answers. */
  fallback?: { provider: string; reason: string; message: string };
}

export interface SelectDeps extends OpenAIEmbedderDeps, LocalModelDeps {
  logger?: Logger;
  /** Probe an HTTP provider with one request before using it (default true). */
  probe?: boolean;
}

async function build(
  config: Record<string, unknown>,
  provider: string,
  deps: SelectDeps,
): Promise<Embedder> {
  switch (provider) {
    case 'openai': {
      const embedder = createOpenAIEmbedder(config, deps);
      if (deps.probe ?? true) await embedder.embed(['probe']);
      return embedder;
    }
    case 'local-model':
      return createLocalModelEmbedder(config, deps);
    default:
      return builtinEmbedder;
  }
}

export async function selectEmbedder(
  config: unknown,
  deps: SelectDeps = {},
): Promise<EmbedderSelection> {
  const logger = deps.logger ?? silentLogger;
  const record =
    typeof config === 'object' && config !== null ? (config as Record<string, unknown>) : {};
  const name = EmbeddingProviderName.safeParse(record.provider ?? 'builtin');
  const requested = name.success ? name.data : String(record.provider);
  try {
    if (!name.success) {
      throw new EmbeddingProviderError({
        provider: requested,
        reason: EmbeddingFailure.notConfigured,
        message: `Unknown embedding provider ${JSON.stringify(record.provider)} (expected builtin, openai or local-model)`,
      });
    }
    return { embedder: await build(record, name.data, deps), requested };
  } catch (error) {
    const e = error instanceof EmbeddingProviderError ? error : undefined;
    const fallback = {
      provider: e?.provider ?? requested,
      reason: e?.reason ?? errorResult(error).error.kind,
      message: errorResult(error).error.message,
    };
    logger.warn(
      { ...fallback, using: builtinEmbedder.id },
      'embedding provider unavailable; using the built-in model',
    );
    return { embedder: builtinEmbedder, requested, fallback };
  }
}

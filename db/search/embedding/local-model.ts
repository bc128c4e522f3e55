/**
 * Optional provider for the till: a sentence-embedding model in a local directory, run by
 * transformers.js (`@huggingface/transformers`, onnxruntime-node underneath) with remote
 * loading disabled, so nothing is ever downloaded. The directory has the usual layout:
 *   <modelDir>/config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx
 * (e.g. an exported all-MiniLM-L6-v2, 384 dimensions, copied onto the till by IT).
 *
 * The package is an optional dependency, loaded on first use: when it is not installed, the
 * directory is missing or incomplete, or the model's output size differs from the configured
 * dimension, creation fails with an EmbeddingProviderError and the caller falls back to the
 * built-in model (select.ts). No `node:` imports, so importing this module never breaks the
 * browser build; in a browser the package resolves to nothing and the same fallback applies.
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

export const LocalModelConfig = z.object({
  /** Absolute path of the model directory. */
  modelDir: z.string().min(1),
  /** Model id stored with the vectors, e.g. "all-minilm-l6-v2". */
  id: z.string().regex(MODEL_ID),
  dimension: z.number().int().min(1).max(2_000),
  pooling: z.enum(['mean', 'cls']).default('mean'),
  /** Which ONNX file: fp32 -> onnx/model.onnx, q8 -> onnx/model_quantized.onnx. */
  dtype: z.enum(['fp32', 'q8']).default('fp32'),
  maxBatch: z.number().int().min(1).max(256).default(32),
});
export type LocalModelConfig = z.input<typeof LocalModelConfig>;

/** The slice of transformers.js this provider uses (typed here, not taken from the package). */
interface FeatureTensor {
  dims: number[];
  data: ArrayLike<number>;
}
type FeatureExtractor = (
  texts: string[],
  options: { pooling: 'mean' | 'cls'; normalize: boolean },
) => Promise<FeatureTensor>;
export interface TransformersModule {
  env: { allowRemoteModels: boolean; allowLocalModels: boolean; localModelPath: string };
  pipeline(
    task: 'feature-extraction',
    model: string,
    options?: { dtype?: string },
  ): Promise<FeatureExtractor>;
}

const PROVIDER = 'local-model';
const PACKAGE = '@huggingface/transformers';

/** Import the package by a computed name so bundlers leave it out of the browser build. */
async function importTransformers(): Promise<TransformersModule> {
  const name = PACKAGE;
  return (await import(/* @vite-ignore */ name)) as TransformersModule;
}

export interface LocalModelDeps {
  /** Where the transformers.js module comes from (tests pass a loader that fails). */
  loadTransformers?: () => Promise<TransformersModule>;
}

function splitDir(dir: string): { parent: string; name: string } {
  const trimmed = dir.replace(/[\\/]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return cut < 0
    ? { parent: '.', name: trimmed }
    : { parent: trimmed.slice(0, cut) || '/', name: trimmed.slice(cut + 1) };
}

/**
 * Load the model and check it with one probe sentence. Throws EmbeddingProviderError with
 * reason not_configured, package_missing, model_missing or dimension_mismatch.
 */
export async function createLocalModelEmbedder(
  config: unknown,
  deps: LocalModelDeps = {},
): Promise<Embedder> {
  const parsed = LocalModelConfig.safeParse(config ?? {});
  if (!parsed.success) {
    throw new EmbeddingProviderError({
      provider: PROVIDER,
      reason: EmbeddingFailure.notConfigured,
      message: `The local embedding model is not configured: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'config'} ${i.message}`).join('; ')}`,
      cause: parsed.error,
    });
  }
  const c = parsed.data;
  let transformers: TransformersModule;
  try {
    transformers = await (deps.loadTransformers ?? importTransformers)();
  } catch (error) {
    throw new EmbeddingProviderError({
      provider: PROVIDER,
      reason: EmbeddingFailure.packageMissing,
      message: `${PACKAGE} could not be loaded (${getErrorMessage(error)}); install the optional dependency to use a local model`,
      cause: error,
    });
  }
  const { parent, name } = splitDir(c.modelDir);
  // Never download: only the given directory is consulted.
  transformers.env.allowRemoteModels = false;
  transformers.env.allowLocalModels = true;
  transformers.env.localModelPath = `${parent}/`;
  let extract: FeatureExtractor;
  try {
    extract = await transformers.pipeline('feature-extraction', name, { dtype: c.dtype });
  } catch (error) {
    throw new EmbeddingProviderError({
      provider: PROVIDER,
      reason: EmbeddingFailure.modelMissing,
      message: `No loadable model in ${c.modelDir}: ${getErrorMessage(error)}`,
      cause: error,
    });
  }

  async function run(texts: string[]): Promise<Float32Array[]> {
    let tensor: FeatureTensor;
    try {
      tensor = await extract(texts, { pooling: c.pooling, normalize: true });
    } catch (error) {
      throw new EmbeddingProviderError({
        provider: PROVIDER,
        reason: EmbeddingFailure.badResponse,
        message: `Local model failed: ${getErrorMessage(error)}`,
        cause: error,
      });
    }
    const [rows, width] = tensor.dims;
    if (rows !== texts.length || width === undefined) {
      throw new EmbeddingProviderError({
        provider: PROVIDER,
        reason: EmbeddingFailure.badResponse,
        message: `Local model returned a tensor of shape [${tensor.dims.join(', ')}]`,
      });
    }
    const vectors: number[][] = [];
    for (let r = 0; r < rows; r++)
      vectors.push(Array.from({ length: width }, (_, k) => Number(tensor.data[r * width + k])));
    return toUnitVectors(PROVIDER, c.dimension, vectors, texts.length);
  }

  await run(['probe']); // dimension_mismatch or a broken model surfaces now, not mid-search
  return {
    id: c.id,
    dimension: c.dimension,
    async embed(texts: string[]): Promise<Float32Array[]> {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += c.maxBatch)
        out.push(...(await run(texts.slice(i, i + c.maxBatch))));
      return out;
    },
  };
}

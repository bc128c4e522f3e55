import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchProducts } from '../queries/search';
import { generateCatalog } from '../seed/catalog';
import { builtinEmbedder, cosine, embedText } from './embedding/builtin';
import { createLocalModelEmbedder } from './embedding/local-model';
import { createOpenAIEmbedder } from './embedding/openai';
import { selectEmbedder } from './embedding/select';
import { EmbeddingProviderError } from './embedding/types';
import { embeddingStatus } from './embeddings';
import { openSearchDb, type SearchDb } from './fixtures/search-db';
import { writeTinyModel } from './fixtures/tiny-onnx-model';
import { ensureHnswIndex } from './indexes';
import { EmbeddingRefresher } from './refresher';

// ---------------------------------------------------------------------------------------
// A real HTTP server speaking the OpenAI embeddings API (vectors from the hashing model, so
// they carry meaning), with switchable failure modes.
// ---------------------------------------------------------------------------------------

type Mode = 'ok' | 'status500' | 'badjson' | 'wrongdim' | 'slow';
let server: Server;
let baseUrl = '';
let mode: Mode = 'ok';
const requests: Array<{ auth: string | undefined; inputs: string[] }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { input: string[]; model: string };
      requests.push({ auth: req.headers.authorization, inputs: parsed.input });
      if (req.url !== '/v1/embeddings' || req.headers.authorization !== 'Bearer sk-test') {
        res.writeHead(401).end('{"error":{"message":"bad key"}}');
        return;
      }
      if (mode === 'status500') return void res.writeHead(500).end('upstream exploded');
      if (mode === 'badjson')
        return void res
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"data": "nope"');
      if (mode === 'slow') return void setTimeout(() => res.writeHead(200).end('{}'), 1_500);
      const dim = mode === 'wrongdim' ? 12 : 16;
      // Answer in reverse order: clients must sort by `index`.
      const data = parsed.input
        .map((text, index) => ({
          object: 'embedding',
          index,
          embedding: [...embedText(text, dim)].map((x) => x * 3),
        }))
        .reverse();
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ object: 'list', data, model: parsed.model }));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  await new Promise((ok) => server.close(ok));
});

const openai = (extra: Record<string, unknown> = {}) =>
  createOpenAIEmbedder({
    url: baseUrl,
    apiKey: 'sk-test',
    model: 'remote-16',
    dimension: 16,
    // Generous: a loaded machine can take seconds to answer even on localhost. The 'slow'
    // case below sets its own short timeout; the server's later timer in this same process
    // cannot fire before the client's earlier one, so that case does not race.
    timeoutMs: 10_000,
    ...extra,
  });

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    expect(error).toBeInstanceOf(EmbeddingProviderError);
    return (error as EmbeddingProviderError).reason;
  }
}

describe('OpenAI-compatible provider', () => {
  it('embeds in batches, in input order, as unit vectors of the configured dimension', async () => {
    mode = 'ok';
    requests.length = 0;
    const e = openai({ maxBatch: 2 });
    expect([e.id, e.dimension]).toEqual(['remote-16', 16]);
    const texts = ['couch', 'sofa', 'floor lamp', 'running shoes', 'sneakers'];
    const vectors = await e.embed(texts);
    expect(requests.map((r) => r.inputs.length)).toEqual([2, 2, 1]);
    expect(requests.every((r) => r.auth === 'Bearer sk-test')).toBe(true);
    for (const [i, v] of vectors.entries()) {
      expect(v.length).toBe(16);
      expect(cosine(v, embedText(texts[i] ?? '', 16))).toBeCloseTo(1, 5);
      expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    }
  });

  it('reports every failure with a typed reason', async () => {
    expect(() => createOpenAIEmbedder({ url: baseUrl })).toThrow(EmbeddingProviderError);
    expect(() => createOpenAIEmbedder(undefined)).toThrow(/not configured/);
    expect(
      await reason(
        Promise.resolve().then(() => createOpenAIEmbedder({ url: 'not a url', apiKey: 'k' })),
      ),
    ).toBe('not_configured');
    expect(await reason(openai({ apiKey: 'sk-wrong' }).embed(['x']))).toBe('http_status');
    mode = 'status500';
    expect(await reason(openai().embed(['x']))).toBe('http_status');
    mode = 'badjson';
    expect(await reason(openai().embed(['x']))).toBe('bad_response');
    mode = 'wrongdim';
    expect(await reason(openai().embed(['x']))).toBe('dimension_mismatch');
    mode = 'slow';
    expect(await reason(openai({ timeoutMs: 300 }).embed(['x']))).toBe('unreachable');
    mode = 'ok';
    expect(
      await reason(
        createOpenAIEmbedder({ url: 'http://127.0.0.1:9/v1', apiKey: 'k', timeoutMs: 2_000 }).embed(
          ['x'],
        ),
      ),
    ).toBe('unreachable');
  });
});

describe('selectEmbedder', () => {
  it('uses the built-in model by default and the configured provider when it answers', async () => {
    expect((await selectEmbedder(undefined)).embedder).toBe(builtinEmbedder);
    expect((await selectEmbedder({ provider: 'builtin' })).fallback).toBeUndefined();
    mode = 'ok';
    const chosen = await selectEmbedder({
      provider: 'openai',
      url: baseUrl,
      apiKey: 'sk-test',
      model: 'remote-16',
      dimension: 16,
    });
    expect(chosen.embedder.id).toBe('remote-16');
    expect(chosen.fallback).toBeUndefined();
  });

  it.each([
    [{ provider: 'openai' }, 'not_configured'],
    [
      { provider: 'openai', url: 'http://127.0.0.1:9/v1', apiKey: 'k', timeoutMs: 1_000 },
      'unreachable',
    ],
    [{ provider: 'local-model', id: 'm', dimension: 8 }, 'not_configured'],
    [
      {
        provider: 'local-model',
        modelDir: '/nonexistent/models/minilm',
        id: 'minilm',
        dimension: 384,
      },
      'model_missing',
    ],
    [{ provider: 'quantum' }, 'not_configured'],
  ])('falls back to the built-in model with a typed reason: %j', async (config, expected) => {
    const warnings: Array<Record<string, unknown>> = [];
    const logger = {
      debug: () => undefined,
      info: () => undefined,
      error: () => undefined,
      warn: (f: Record<string, unknown>) => void warnings.push(f),
      child: () => logger,
    };
    const chosen = await selectEmbedder(config, { logger });
    expect(chosen.embedder).toBe(builtinEmbedder);
    expect(chosen.fallback?.reason).toBe(expected);
    expect(warnings[0]?.using).toBe(builtinEmbedder.id);
  });

  it('reports a missing transformers.js package as package_missing', async () => {
    const chosen = await selectEmbedder(
      { provider: 'local-model', modelDir: '/models/x', id: 'x', dimension: 8 },
      {
        loadTransformers: () =>
          Promise.reject(new Error("Cannot find package '@huggingface/transformers'")),
      },
    );
    expect(chosen.fallback?.reason).toBe('package_missing');
    expect(chosen.embedder).toBe(builtinEmbedder);
  });
});

// ---------------------------------------------------------------------------------------
// Local model through transformers.js + onnxruntime, offline, then end to end on a till.
// ---------------------------------------------------------------------------------------

describe('local model provider (transformers.js, remote loading disabled)', () => {
  let parent: string;
  let modelDir: string;
  beforeAll(async () => {
    // Vocabulary: every word of the catalog the till below is seeded with (split the way the
    // tokenizer's Whitespace pre-tokenizer splits), plus a few synonyms.
    const words = new Set(['couch', 'sofa', 'lamp', 'sneakers']);
    for (const p of generateCatalog({ seed: 3, products: 120 })) {
      for (const w of `${p.productName} ${p.brand ?? ''} ${p.productDescription ?? ''}`
        .toLowerCase()
        .match(/\w+|[^\w\s]+/g) ?? [])
        words.add(w);
    }
    parent = await mkdtemp(join(tmpdir(), 'edge-pos-model-'));
    modelDir = await writeTinyModel({
      parent,
      name: 'bag-of-words-32',
      words: [...words],
      dimension: 32,
    });
  });
  afterAll(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  it('loads a model directory and embeds offline', async () => {
    const e = await createLocalModelEmbedder({ modelDir, id: 'bag-of-words-32', dimension: 32 });
    const [couch, grayCouch, lamp] = await e.embed(['couch', 'gray couch', 'lamp']);
    expect(couch?.length).toBe(32);
    expect(Math.hypot(...(couch ?? []))).toBeCloseTo(1, 5);
    // Mean of word vectors: "gray couch" stays close to "couch", far from "lamp".
    expect(cosine(couch ?? [], grayCouch ?? [])).toBeGreaterThan(cosine(couch ?? [], lamp ?? []));
  });

  it('refuses a model whose output is not the configured dimension', async () => {
    expect(
      await reason(createLocalModelEmbedder({ modelDir, id: 'bag-of-words-32', dimension: 384 })),
    ).toBe('dimension_mismatch');
  });

  it('keeps a till current in both models and searches with the local one', async () => {
    const s: SearchDb = await openSearchDb({ products: 120, seed: 3, embed: false });
    try {
      const local = (
        await selectEmbedder({
          provider: 'local-model',
          modelDir,
          id: 'bag-of-words-32',
          dimension: 32,
        })
      ).embedder;
      expect(local.id).toBe('bag-of-words-32');
      await ensureHnswIndex(s.db, local);
      const refresher = new EmbeddingRefresher({
        db: s.db,
        storeId: s.storeId,
        embedders: [builtinEmbedder, local],
        maxWritesPerRound: 64,
      });
      await refresher.drainAll();
      expect((await embeddingStatus(s.db, s.storeId, builtinEmbedder.id)).embedded).toBe(120);
      expect((await embeddingStatus(s.db, s.storeId, local.id)).embedded).toBe(120);
      const r = await searchProducts(
        s.db,
        { storeId: s.storeId, query: 'running shoes', signals: ['vector'], minSimilarity: 0 },
        { embedder: local },
      );
      expect(r.vectorModel).toBe('bag-of-words-32');
      expect(r.degraded).toBeUndefined();
      expect(r.hits.length).toBeGreaterThan(0);
      const nouns = r.hits
        .slice(0, 3)
        .map((h) => s.catalog.find((p) => p.productId === h.productId)?.facts.noun);
      expect(nouns).toEqual(['Running Shoes', 'Running Shoes', 'Running Shoes']);
    } finally {
      await s.close();
    }
  });
});

/**
 * The query classes rendered from one target product's facts: exact, typo, prefix,
 * brand_type, attribute, synonym, description (bench/search-eval-queries.ts lists them).
 */
import type { CatalogItem } from '../../db/seed/catalog';
import type { Rng } from '../../db/seed/random';
import { all, eq, lower, synonymRule, type Facts, type Render } from './rules';
import { numberVariant, typed, withTypos } from './typing';

export function renderExact(_rng: Rng, item: CatalogItem): Render {
  const name = lower(item.productName);
  return {
    text: item.productName,
    rule: { label: `name=${item.productName}`, test: (x) => lower(x.productName) === name },
  };
}

export function renderTypo(rng: Rng, item: CatalogItem): Render {
  const f = item.facts;
  const noun = typed(rng, f.noun);
  switch (rng.int(0, 2)) {
    case 0:
      return { text: withTypos(rng, noun), rule: eq('noun', f.noun) };
    case 1:
      return {
        text: withTypos(rng, `${lower(f.brand)} ${noun}`),
        rule: all(eq('brand', f.brand), eq('noun', f.noun)),
      };
    default:
      return {
        text: withTypos(rng, `${lower(f.brand)} ${lower(f.line)} ${noun}`),
        rule: all(eq('brand', f.brand), eq('line', f.line), eq('noun', f.noun)),
      };
  }
}

export function renderPrefix(rng: Rng, item: CatalogItem): Render {
  const f = item.facts;
  const source = (x: Facts): string => lower(`${x.brand} ${x.line} ${x.noun}`);
  const words = source(f).split(' ');
  // Cut inside a word of at least 4 letters, after the first word, leaving 2+ letters of it.
  const cuts = words.map((w, i) => (i > 0 && w.length >= 4 ? i : -1)).filter((i) => i >= 0);
  if (cuts.length === 0) return undefined;
  const k = rng.pick(cuts);
  const word = words[k] ?? '';
  const partial = word.slice(0, rng.int(2, word.length - 1));
  const text = [...words.slice(0, k), partial].join(' ');
  return {
    text,
    rule: {
      label: `"brand line noun" starts with "${text}"`,
      test: (x) => source(x.facts).startsWith(text),
    },
  };
}

export function renderBrandType(rng: Rng, item: CatalogItem): Render {
  const f = item.facts;
  const brand = rng.chance(0.5) ? lower(f.brand).replace(/'/g, '') : lower(f.brand);
  const noun = numberVariant(rng, typed(rng, f.noun));
  const text = rng.chance(0.2) ? `${noun} ${brand}` : `${brand} ${noun}`;
  return { text, rule: all(eq('brand', f.brand), eq('noun', f.noun)) };
}

export function renderAttribute(rng: Rng, item: CatalogItem): Render {
  const f = item.facts;
  const noun = typed(rng, f.noun);
  const options: Render[] = [];
  if (f.color)
    options.push({
      text: `${lower(f.color)} ${noun}`,
      rule: all(eq('noun', f.noun), eq('color', f.color)),
    });
  if (f.size)
    options.push({
      text: `${noun} size ${lower(f.size)}`,
      rule: all(eq('noun', f.noun), eq('size', f.size)),
    });
  if (f.spec) {
    const spec = lower(f.spec);
    options.push({
      text: rng.chance(0.5) ? `${noun} ${spec}` : `${spec} ${noun}`,
      rule: all(eq('noun', f.noun), eq('spec', f.spec)),
    });
  }
  if (f.color && f.size) {
    options.push({
      text: `${lower(f.color)} ${noun} size ${lower(f.size)}`,
      rule: all(eq('noun', f.noun), eq('color', f.color), eq('size', f.size)),
    });
  }
  return options.length > 0 ? rng.pick(options) : undefined;
}

export function renderSynonym(rng: Rng, item: CatalogItem): Render {
  const f = item.facts;
  const synonym = lower(rng.pick(f.synonyms));
  const base = synonymRule(synonym);
  const options: Render[] = [{ text: synonym, rule: base }];
  if (f.color)
    options.push({ text: `${lower(f.color)} ${synonym}`, rule: all(base, eq('color', f.color)) });
  options.push({
    text: `${lower(f.brand).replace(/'/g, '')} ${synonym}`,
    rule: all(base, eq('brand', f.brand)),
  });
  return rng.pick(options);
}

export function renderDescription(rng: Rng, item: CatalogItem): Render {
  const f = item.facts;
  const use = rng.pick(f.uses);
  const options: Render[] = [
    {
      text: `${lower(rng.pick(f.synonyms))} for ${use}`,
      rule: {
        label: `type of "${f.noun}" (used for ${use})`,
        test: (x) => x.facts.noun === f.noun,
      },
    },
    {
      text: `something for ${use}`,
      rule: { label: `uses∋"${use}"`, test: (x) => x.facts.uses.includes(use) },
    },
  ];
  if (f.color) {
    options.push({
      text: `something like the ${lower(f.color)} ${lower(f.brand).replace(/'/g, '')}`,
      rule: all(eq('brand', f.brand), eq('color', f.color)),
    });
  }
  if (f.material) {
    options.push({
      text: `${lower(f.material)} ${lower(rng.pick([f.noun, ...f.synonyms]))}`,
      rule: all(eq('noun', f.noun), eq('material', f.material)),
    });
  }
  return rng.pick(options);
}

/**
 * The no_match class: things this store does not sell (bench/search-eval-queries.ts).
 */
import type { CatalogItem } from '../../db/seed/catalog';
import type { Rng } from '../../db/seed/random';
import { foldWord, words, type Render } from './rules';

/**
 * Things this store does not sell, written once as a shopper would ask for them. A query is
 * used only when none of its words (folded) is a word of any catalog fact (categories, noun,
 * synonyms, brand, line, colour, size, spec, material, uses), so "nothing is relevant" holds
 * by rule, not by judgement.
 */
export const NOT_SOLD = [
  'pizza',
  'dog food',
  'cat litter',
  'wedding ring',
  'lawn mower',
  'baby stroller',
  'diapers',
  'coffee beans',
  'espresso machine',
  'microwave',
  'refrigerator',
  'washing machine',
  'vacuum cleaner',
  'guitar strings',
  'violin',
  'piano',
  'sewing machine',
  'printer ink',
  'stapler',
  'fishing rod',
  'golf clubs',
  'tennis racket',
  'ski boots',
  'snowboard',
  'surfboard',
  'aquarium filter',
  'bird seed',
  'fresh milk',
  'bananas',
  'chocolate bar',
  'cigarettes',
  'lottery ticket',
  'contact lenses',
  'hearing aid',
  'paint brush',
  'wallpaper',
  'curtains',
  'bed sheets',
  'pillow',
  'mattress',
  'wristwatch',
  'sunglasses',
  'perfume',
  'lipstick',
  'nail polish',
  'umbrella',
  'scented candles',
  'toilet paper',
  'socks',
  'necktie',
  'bath towel',
  'frying pan',
  'kettle',
  'toaster',
  'winter gloves',
  'swimsuit',
  'dumbbells',
  'skateboard',
  'puzzle',
  'teddy bear',
  'crayons',
  'notebook paper',
  'envelopes',
  'screws',
  'hammer',
  'ladder',
  'spark plugs',
  'car seat cover',
  'cough syrup',
  'bandages',
] as const;

export function makeNoMatchRenderer(catalog: readonly CatalogItem[]): (rng: Rng) => Render {
  const factWords = new Set(
    catalog.flatMap((x) => {
      const f = x.facts;
      return [
        f.category,
        f.subcategory,
        f.noun,
        ...f.synonyms,
        f.brand,
        f.line,
        f.color ?? '',
        f.size ?? '',
        f.spec ?? '',
        f.material ?? '',
        ...f.uses,
      ]
        .flatMap(words)
        .map(foldWord);
    }),
  );
  const usable = NOT_SOLD.filter((q) => words(q).every((w) => !factWords.has(foldWord(w))));
  return (rng) => ({
    text: rng.pick(usable),
    rule: { label: 'not sold here', test: () => false },
  });
}

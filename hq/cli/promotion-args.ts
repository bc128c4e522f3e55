/**
 * `npm run hq:admin -- promotion ...`: the command line's options turned into a promotion
 * definition (contract/admin-protocol.ts PromotionDefine). Exactly one kind: --percent,
 * --amount, --buy/--get (with --off, default 100 % = free) or --mix/--for. Amounts are exact
 * ("2.50" -> 250 cents), percentages up to four decimals ("12.5" -> 125,000 ppm).
 */
import type { PromotionDefine } from '../../contract/admin-protocol';
import type { PromotionRule } from '../../core/promotions';

export interface PromotionOptions {
  name: string;
  percent?: string;
  amount?: string;
  buy?: string;
  get?: string;
  off?: string;
  mix?: string;
  for?: string;
  products?: string;
  categories?: string;
  coupon?: string;
  from: string;
  until?: string;
  priority?: string;
  store?: string[];
  id?: string;
}

/** "2.50" -> 250, exactly. */
export function centsArg(value: string, what: string): number {
  const match = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!match) throw new Error(`${what}: expected an amount like 2.50, got "${value}"`);
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** "12.5" (percent) -> 125000 ppm, exactly. */
export function percentArg(value: string, what: string): number {
  const match = /^(\d{1,3})(?:\.(\d{1,4}))?$/.exec(value.trim());
  const ppm = match ? Number(match[1]) * 10_000 + Number((match[2] ?? '').padEnd(4, '0')) : NaN;
  if (!match || ppm <= 0 || ppm > 1_000_000) {
    throw new Error(`${what}: expected a percentage above 0 and at most 100, got "${value}"`);
  }
  return ppm;
}

function wholeArg(value: string, what: string): number {
  if (!/^\d{1,4}$/.test(value.trim())) throw new Error(`${what}: expected a whole number`);
  return Number(value);
}

function ruleOf(o: PromotionOptions): PromotionRule {
  const kinds = [
    o.percent !== undefined,
    o.amount !== undefined,
    o.buy !== undefined || o.get !== undefined,
    o.mix !== undefined || o.for !== undefined,
  ].filter(Boolean).length;
  if (kinds !== 1) {
    throw new Error(
      'Give exactly one kind: --percent, --amount, --buy with --get, or --mix with --for',
    );
  }
  if (o.percent !== undefined) return { kind: 'percent', ppm: percentArg(o.percent, '--percent') };
  if (o.amount !== undefined) return { kind: 'amount', cents: centsArg(o.amount, '--amount') };
  if (o.buy !== undefined || o.get !== undefined) {
    if (o.buy === undefined || o.get === undefined) throw new Error('--buy needs --get');
    return {
      kind: 'buy_x_get_y',
      buy: wholeArg(o.buy, '--buy'),
      get: wholeArg(o.get, '--get'),
      ppm: o.off === undefined ? 1_000_000 : percentArg(o.off, '--off'),
    };
  }
  if (o.mix === undefined || o.for === undefined) throw new Error('--mix needs --for');
  return {
    kind: 'mix_match',
    quantity: wholeArg(o.mix, '--mix'),
    priceCents: centsArg(o.for, '--for'),
  };
}

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

export function promotionFromOptions(o: PromotionOptions): PromotionDefine {
  const productIds = list(o.products);
  const categoryIds = list(o.categories).map((c) => wholeArg(c, '--categories'));
  return {
    ...(o.store && o.store.length > 0 ? { storeIds: o.store } : {}),
    promotion: {
      ...(o.id ? { promotionId: o.id } : {}),
      name: o.name,
      rule: ruleOf(o),
      target: { all: productIds.length + categoryIds.length === 0, productIds, categoryIds },
      couponCode: o.coupon ?? null,
      startsAt: o.from,
      endsAt: o.until ?? null,
      priority: o.priority === undefined ? 0 : wholeArg(o.priority, '--priority'),
      isActive: true,
    },
  };
}

/**
 * `npm run hq:admin -- gift-card <action>`: gift cards and store credit (issue 18, item 1):
 *
 *   gift-card issue <storeId> <cardNumber> <amount> [--store-credit] [--expires YYYY-MM-DD]
 *   gift-card balance <cardNumber>          balance, state, history, registers' allowances
 *   gift-card top-up <storeId> <cardNumber> <amount>
 *   gift-card freeze | unfreeze <cardNumber>
 *   gift-card expire <cardNumber> [--on YYYY-MM-DD]   (default yesterday: expired now)
 *   gift-card list [--kind gift_card|store_credit] [--store seattle] [--limit 100]
 *
 * Arguments are checked here with the API's own schemas, so a typo is answered before HQ is
 * called; HQ checks them again.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { z } from 'zod';
import { Day, type GiftCardDetail, type GiftCardView } from '../../../contract/admin-gift-cards';
import { StoreId } from '../../../contract/mutations';
import { formatCurrency } from '../../../core/money';
import { CardKind, CardNumber } from '../../../core/stored-value';
import { intArg, priceArg, queryString } from './args';
import type { AdminClient } from './client';

const usd = (cents: number): string => formatCurrency(cents, 'USD', 'en-US');

function parser<S extends z.ZodType>(schema: S, what: string): (value: string) => z.output<S> {
  return (value) => {
    const r = schema.safeParse(value);
    if (!r.success) {
      throw new InvalidArgumentError(`${what}: ${r.error.issues.map((i) => i.message).join('; ')}`);
    }
    return r.data;
  };
}
const cardArg = parser(CardNumber, 'card number');
const storeArg = parser(StoreId, 'store ID (lower case, e.g. seattle)');
const dayArg = parser(Day, 'date');
const kindArg = parser(CardKind, 'kind (gift_card or store_credit)');
const amountArg = (value: string): number => {
  const cents = priceArg(value);
  if (cents <= 0) throw new InvalidArgumentError('expected an amount above zero, like 25.00');
  return cents;
};

function state(c: GiftCardView): string {
  if (!c.isActive) return 'frozen';
  if (c.expiresOn === null) return 'active, no expiry';
  return `active, last day ${c.expiresOn}`;
}

export function cardLine(c: GiftCardView): string {
  const kind = c.kind === 'gift_card' ? 'gift card' : 'store credit';
  return `${c.cardNumber}\t${kind}\t${usd(c.balanceCents)}\t${state(c)}\tissued at ${c.issuedStoreId}`;
}

export function cardDetail(d: GiftCardDetail): string {
  const c = d.card;
  const lines = [
    `${c.kind === 'gift_card' ? 'Gift card' : 'Store credit'} ${c.cardNumber} (${state(c)}), issued at ${c.issuedStoreId}`,
    `Balance ${usd(c.balanceCents)}: ${usd(c.reservedCents)} reserved for registers, ${usd(c.unreservedCents)} not reserved` +
      (c.overspentCents > 0 ? `; ${usd(c.overspentCents)} spent beyond allowances` : ''),
    'History:',
    ...d.history.map(
      (e) =>
        `  ${e.occurredAt}\t${e.storeId}${e.registerId ? ` ${e.registerId}` : ''}\t${e.kind.replace('_', '-')}\t${e.amountCents > 0 ? '+' : '−'}${usd(Math.abs(e.amountCents))}`,
    ),
    'Allowances (what each register may spend offline):',
    ...(d.allowances.length === 0
      ? ['  none']
      : d.allowances.map(
          (a) =>
            `  ${a.storeId} ${a.registerId}\t${usd(a.grantedCents - a.settledCents)} left of ${usd(a.grantedCents)}`,
        )),
  ];
  return lines.join('\n');
}

export function registerGiftCardCommands(program: Command, { api, print }: AdminClient): void {
  const card = program
    .command('gift-card')
    .description('gift cards and store credit: issue, balance, top-up, freeze, expire, list');

  card
    .command('issue <storeId> <cardNumber> <amount>')
    .description("issue a card at a store (reserved for that store's registers)")
    .option('--store-credit', 'store credit instead of a gift card')
    .option('--expires <date>', 'the last day it can be used, YYYY-MM-DD', dayArg)
    .action(
      async (
        storeId: string,
        cardNumber: string,
        amount: string,
        o: { storeCredit?: boolean; expires?: string },
      ) => {
        const r = await api<GiftCardDetail>('POST', '/gift-cards', {
          storeId: storeArg(storeId),
          cardNumber: cardArg(cardNumber),
          kind: o.storeCredit ? 'store_credit' : 'gift_card',
          amountCents: amountArg(amount),
          expiresOn: o.expires ?? null,
        });
        print(r, () => `Issued.\n${cardDetail(r)}`);
      },
    );

  card
    .command('balance <cardNumber>')
    .description('balance, state, history and the registers’ allowances')
    .action(async (cardNumber: string) => {
      const r = await api<GiftCardDetail>('GET', `/gift-cards/${cardArg(cardNumber)}`);
      print(r, () => cardDetail(r));
    });

  card
    .command('top-up <storeId> <cardNumber> <amount>')
    .description("put money on a card at a store (reserved for that store's registers)")
    .action(async (storeId: string, cardNumber: string, amount: string) => {
      const r = await api<GiftCardDetail>('POST', `/gift-cards/${cardArg(cardNumber)}/top-up`, {
        storeId: storeArg(storeId),
        amountCents: amountArg(amount),
      });
      print(r, () => `Topped up.\n${cardDetail(r)}`);
    });

  for (const [name, what] of [
    ['freeze', 'no till takes it, offline too, from its next sync'],
    ['unfreeze', 'tills take it again'],
  ] as const) {
    card
      .command(`${name} <cardNumber>`)
      .description(what)
      .action(async (cardNumber: string) => {
        const r = await api<GiftCardDetail>('POST', `/gift-cards/${cardArg(cardNumber)}/state`, {
          state: name,
        });
        print(r, () => cardDetail(r));
      });
  }

  card
    .command('expire <cardNumber>')
    .description('set the last day it can be used (default yesterday: expired now)')
    .option('--on <date>', 'the last day, YYYY-MM-DD (a later day extends it)', dayArg)
    .action(async (cardNumber: string, o: { on?: string }) => {
      const r = await api<GiftCardDetail>('POST', `/gift-cards/${cardArg(cardNumber)}/state`, {
        state: 'expire',
        on: o.on,
      });
      print(r, () => cardDetail(r));
    });

  card
    .command('list')
    .description('cards, newest first')
    .option('--kind <kind>', 'gift_card or store_credit', kindArg)
    .option('--store <storeId>', 'issued at this store', storeArg)
    .option('--limit <n>', 'at most n (default 100)', intArg)
    .action(async (o: { kind?: string; store?: string; limit?: number }) => {
      const r = await api<{ cards: GiftCardView[] }>(
        'GET',
        `/gift-cards${queryString({ kind: o.kind, storeId: o.store, limit: o.limit })}`,
      );
      print(r, () => (r.cards.length === 0 ? 'No cards.' : r.cards.map(cardLine).join('\n')));
    });
}

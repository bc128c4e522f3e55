/** `npm run hq:admin` commands for promotions: define, list, end. */
import type { Command } from 'commander';
import type { PromotionDefined } from '../../../contract/admin-protocol';
import type { PromotionEntity } from '../../../contract/catalog';
import { promotionFromOptions, type PromotionOptions } from '../promotion-args';
import type { AdminClient } from './client';

function promotionLine(p: PromotionEntity): string {
  const until = p.endsAt ?? 'no end';
  const coupon = p.couponCode ? ` coupon ${p.couponCode}` : '';
  const state = p.isActive ? '' : ' (withdrawn)';
  return `${p.promotionId}\t${p.name}\t${p.rule.kind}${coupon}\t${p.startsAt} .. ${until}${state}`;
}

export function registerPromotionCommands(program: Command, { api, print }: AdminClient): void {
  program
    .command('promotion')
    .description('define (or, with --id, replace) a promotion in the stores named or every store')
    .requiredOption('--name <name>', 'what the receipt calls it')
    .requiredOption('--from <time>', 'ISO time it starts, e.g. 2027-03-01T00:00:00Z')
    .option('--until <time>', 'ISO time it ends (exclusive)')
    .option('--percent <n>', 'percent off each unit')
    .option('--amount <price>', 'amount off each unit, e.g. 2.50')
    .option('--buy <n>', 'buy n ...')
    .option('--get <n>', '... get n (the cheapest) free, or --off percent off')
    .option('--off <n>', 'percent off the "get" units (default 100)')
    .option('--mix <n>', 'any n units of the targets ...')
    .option('--for <price>', '... together for this price')
    .option('--products <ids>', 'product IDs, comma-separated')
    .option('--categories <ids>', 'category IDs, comma-separated (neither: every product)')
    .option('--coupon <code>', 'applies only when the cashier enters this code')
    .option('--priority <n>', 'higher runs first (default 0)')
    .option('--store <storeId...>', 'the stores it runs in (default: every store)')
    .option('--id <promotionId>', 'replace this promotion')
    .action(async (o: PromotionOptions) => {
      const r = await api<PromotionDefined>('POST', '/promotions', promotionFromOptions(o));
      print(r, () => `${promotionLine(r.promotion)}\nRuns in ${r.stores.join(', ')}.`);
    });

  program
    .command('promotions <storeId>')
    .description("the store's promotions")
    .action(async (storeId: string) => {
      const r = await api<{ promotions: PromotionEntity[] }>(
        'GET',
        `/stores/${storeId}/promotions`,
      );
      print(r, () =>
        r.promotions.length === 0 ? 'No promotions.' : r.promotions.map(promotionLine).join('\n'),
      );
    });

  program
    .command('promotion-end <promotionId>')
    .description('end a promotion in every store it runs in (now, or --at)')
    .option('--at <time>', 'ISO time it ends')
    .action(async (promotionId: string, o: { at?: string }) => {
      const r = await api<{ stores: string[] }>('POST', `/promotions/${promotionId}/end`, {
        endsAt: o.at,
      });
      print(r, () => `Ended in ${r.stores.join(', ')}.`);
    });
}

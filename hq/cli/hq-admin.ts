/**
 * `npm run hq:admin -- <command>`: HQ administration through the admin API of a running HQ
 * (`npm run hq`). It finds the service in <data-dir>/hq.json and the token in
 * <data-dir>/admin-token (default .data/hq), or takes --url/--token ($EDGEPOS_HQ_URL,
 * $EDGEPOS_ADMIN_TOKEN).
 *
 *   code seattle R01 [--ttl 60]          one-time enrollment code for a till
 *   devices [--store seattle]            enrolled tills and their sync state
 *   revoke seattle <deviceId> --reason "stolen"
 *   resync seattle <deviceId>            make a till download its catalog afresh
 *   stores | categories
 *   products seattle [--search tablet]
 *   price seattle ELE-TAB-000003 12.99   (store "all" = every store; SKU or product ID)
 *   product seattle <productId> --name "..." --active false --category 3
 *   delete-product seattle <productId>
 *   category 8 "Garden" [--description "..."] [--inactive]
 *   feed-reset seattle                   every till of the store resyncs
 *   staff-pin seattle <staffId>          set a PIN, read from stdin (never an argument: shell
 *                                        history and process lists would keep it); a
 *                                        manager's needs at least 6 digits
 *   token show                           print the admin token (to this terminal only)
 *   token rotate                         replace the admin token (HQ takes it at once)
 *   exceptions [--store seattle] [--status open] [--kind receipt_number_taken] [--entity sale]
 *   resolve seattle <exceptionId> --by "Ana" --resolution "merged the two records"
 *   quarantine [--store seattle] [--status held]
 *   reapply seattle <deviceId> <mutationId> --by "Ana"
 *   dismiss seattle <deviceId> <mutationId> --by "Ana" --reason "test sale, re-rung by hand"
 *   reconcile --date 2026-11-18 [--store seattle]   each store's day: Z reports against HQ's facts
 *   promotion --name "Spring" --percent 10 --from 2027-03-01T00:00:00Z [--until ...]
 *             [--products <id,...>] [--categories 3,4] [--coupon SPRING10] [--priority 5]
 *             [--store seattle ...]   (or --amount 2.50 | --buy 2 --get 1 [--off 50] | --mix 3 --for 10.00)
 *   promotions seattle                   the store's promotions
 *   promotion-end <promotionId> [--at <ISO time>]   ends it in every store (now by default)
 *   gift-card issue seattle 6006490000001234 50.00 [--store-credit] [--expires 2027-12-31]
 *   gift-card balance <card> | top-up seattle <card> 20.00 | freeze <card> | unfreeze <card>
 *   gift-card expire <card> [--on 2027-12-31] | list [--kind store_credit] [--store seattle]
 */
import { Command } from 'commander';
import { getErrorMessage } from '../../contract/errors';
import { createAdminClient, withGlobalOptions } from './admin/client';
import { registerDeviceCommands } from './admin/devices';
import { registerCatalogCommands } from './admin/catalog';
import { registerExceptionCommands } from './admin/exceptions';
import { registerPromotionCommands } from './admin/promotions';
import { registerGiftCardCommands } from './admin/gift-cards';

const program = withGlobalOptions(
  new Command()
    .name('hq:admin')
    .description('Edge POS HQ administration (talks to a running `npm run hq`)'),
);
const client = createAdminClient(program);
registerDeviceCommands(program, client);
registerCatalogCommands(program, client);
registerExceptionCommands(program, client);
registerPromotionCommands(program, client);
registerGiftCardCommands(program, client);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`${getErrorMessage(error)}\n`);
  process.exit(1);
});

/** The Z report row, written the same way on the till and at HQ (same table, same columns). */
import { sqlCents as c } from '../sql';
import type { ZReport } from '../../contract/mutations';
import type { Queryable } from '../queryable';

export async function insertZReport(db: Queryable, storeId: string, z: ZReport): Promise<void> {
  await db.query(
    `INSERT INTO retail.z_reports
       (store_id, z_report_id, register_id, z_number, shift_id, opened_at, closed_at,
        sales_count, returns_count, voids_count, gross_sales, discounts, returns_total, tax_total,
        net_total, cash_total, card_total, opening_float, cash_in, cash_out, expected_cash,
        counted_cash, over_short, report)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ${c('$11')}, ${c('$12')}, ${c('$13')},
             ${c('$14')}, ${c('$15')}, ${c('$16')}, ${c('$17')}, ${c('$18')}, ${c('$19')},
             ${c('$20')}, ${c('$21')}, ${c('$22')}, ${c('$23')}, $24)`,
    [
      storeId,
      z.zReportId,
      z.registerId,
      z.zNumber,
      z.shiftId,
      z.openedAt,
      z.closedAt,
      z.salesCount,
      z.returnsCount,
      z.voidsCount,
      z.grossSalesCents,
      z.discountsCents,
      z.returnsCents,
      z.taxCents,
      z.netCents,
      z.cashCents,
      z.cardCents,
      z.openingFloatCents,
      z.cashInCents,
      z.cashOutCents,
      z.expectedCashCents,
      z.countedCashCents,
      z.overShortCents,
      JSON.stringify(z),
    ],
  );
}

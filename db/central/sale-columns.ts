import type { SaleRecorded } from '../../contract/mutations';

/*
 * Column arrays for the unnest INSERTs, filled in one pass over the sales. (Copying each line
 * into a new object with its sale's ID and time first cost more than the INSERT's own
 * serialization: V8 keeps such spread copies of wide objects in slow dictionary mode.)
 */
export function lineColumns(sales: readonly SaleRecorded[]) {
  const c = {
    itemId: [] as string[],
    transactionId: [] as string[],
    lineNumber: [] as number[],
    productId: [] as string[],
    sku: [] as string[],
    productName: [] as string[],
    categoryId: [] as Array<number | null>,
    quantity: [] as number[],
    unitPriceCents: [] as number[],
    discountCents: [] as number[],
    taxRatePpm: [] as number[],
    taxCents: [] as number[],
    totalCents: [] as number[],
    originalItemId: [] as Array<string | null>,
    returnReason: [] as Array<string | null>,
    restock: [] as Array<boolean | null>,
    occurredAt: [] as string[],
    /** Each line's tax components as JSON text (jsonb[] parameter). */
    taxes: [] as string[],
    overridePrice: [] as Array<number | null>,
    overrideReason: [] as Array<string | null>,
    /** What promotions took off each line, as JSON text (jsonb[] parameter). */
    promotions: [] as string[],
  };
  for (const sale of sales) {
    for (const l of sale.lines) {
      c.itemId.push(l.itemId);
      c.transactionId.push(sale.transactionId);
      c.lineNumber.push(l.lineNumber);
      c.productId.push(l.productId);
      c.sku.push(l.sku);
      c.productName.push(l.productName);
      c.categoryId.push(l.categoryId);
      c.quantity.push(l.quantity);
      c.unitPriceCents.push(l.unitPriceCents);
      c.discountCents.push(l.discountCents);
      c.taxRatePpm.push(l.taxRatePpm);
      c.taxCents.push(l.taxCents);
      c.totalCents.push(l.totalCents);
      c.originalItemId.push(l.originalItemId);
      c.returnReason.push(l.returnReason);
      c.restock.push(l.restock);
      c.occurredAt.push(sale.occurredAt);
      c.taxes.push(l.taxes.length === 0 ? '[]' : JSON.stringify(l.taxes));
      c.overridePrice.push(l.priceOverride?.catalogPriceCents ?? null);
      c.overrideReason.push(l.priceOverride?.reason ?? null);
      c.promotions.push(l.promotions.length === 0 ? '[]' : JSON.stringify(l.promotions));
    }
  }
  return c;
}

export function paymentColumns(sales: ReadonlyArray<{ mutationId: number; sale: SaleRecorded }>) {
  const c = {
    paymentId: [] as string[],
    transactionId: [] as string[],
    tenderType: [] as string[],
    amountCents: [] as number[],
    tenderedCents: [] as Array<number | null>,
    changeCents: [] as Array<number | null>,
    cardStatus: [] as Array<string | null>,
    cardLast4: [] as Array<string | null>,
    authCode: [] as Array<string | null>,
    occurredAt: [] as string[],
    storedValueCardId: [] as Array<string | null>,
    mutationId: [] as number[],
  };
  for (const { mutationId, sale } of sales) {
    for (const p of sale.payments) {
      c.paymentId.push(p.paymentId);
      c.transactionId.push(sale.transactionId);
      c.tenderType.push(p.tenderType);
      c.amountCents.push(p.amountCents);
      c.tenderedCents.push(p.tenderedCents);
      c.changeCents.push(p.changeCents);
      c.cardStatus.push(p.cardStatus);
      c.cardLast4.push(p.cardLast4);
      c.authCode.push(p.authCode);
      c.occurredAt.push(sale.occurredAt);
      c.storedValueCardId.push(p.storedValueCardId);
      c.mutationId.push(mutationId);
    }
  }
  return c;
}

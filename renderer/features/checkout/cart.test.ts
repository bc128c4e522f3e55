import { describe, expect, it } from 'vitest';
import { cartReducer, emptyCart, toCart, type CartState } from './cart';

const product = (n: number) => ({
  productId: `0190a0a0-0000-7000-8000-00000000000${n}`,
  sku: `SKU-${n}`,
  productName: `Product ${n}`,
  categoryId: 1,
  priceCents: 100 * n,
});

describe('cartReducer', () => {
  it('puts back the line Delete removed, where it was, with the order discount it cleared', () => {
    let s: CartState = cartReducer(emptyCart, { type: 'add', product: product(1) });
    s = cartReducer(s, { type: 'add', product: product(2), quantity: 3 });
    s = cartReducer(s, { type: 'remove', index: 0 });
    expect(s.items.map((i) => i.sku)).toEqual(['SKU-2']);
    s = cartReducer(s, { type: 'undoRemove' });
    expect(s.items.map((i) => [i.sku, i.quantity])).toEqual([
      ['SKU-1', 1],
      ['SKU-2', 3],
    ]);
    expect(s.selected).toBe(0);
    expect(cartReducer(s, { type: 'undoRemove' })).toBe(s); // once
    let one = cartReducer(emptyCart, { type: 'add', product: product(1) });
    one = cartReducer(one, { type: 'orderDiscount', discount: { kind: 'amount', cents: 10 } });
    one = cartReducer(cartReducer(one, { type: 'remove', index: 0 }), { type: 'undoRemove' });
    expect(one.orderDiscount).toEqual({ kind: 'amount', cents: 10 });
  });

  it('adds lines, merges repeat scans and keeps the selection on the touched line', () => {
    let s: CartState = cartReducer(emptyCart, { type: 'add', product: product(1) });
    s = cartReducer(s, { type: 'add', product: product(2) });
    s = cartReducer(s, { type: 'add', product: product(1), quantity: 2 });
    expect(s.items.map((i) => [i.sku, i.quantity])).toEqual([
      ['SKU-1', 3],
      ['SKU-2', 1],
    ]);
    expect(s.selected).toBe(0);
  });

  it('does not merge into a discounted line', () => {
    let s = cartReducer(emptyCart, { type: 'add', product: product(1) });
    s = cartReducer(s, {
      type: 'lineDiscount',
      index: 0,
      discount: { kind: 'percent', ppm: 100_000 },
    });
    s = cartReducer(s, { type: 'add', product: product(1) });
    expect(s.items).toHaveLength(2);
  });

  it('edits quantity, removes lines and clamps the selection', () => {
    let s = cartReducer(emptyCart, { type: 'add', product: product(1) });
    s = cartReducer(s, { type: 'add', product: product(2) });
    s = cartReducer(s, { type: 'setQuantity', index: 1, quantity: 5 });
    expect(s.items[1]?.quantity).toBe(5);
    s = cartReducer(s, { type: 'remove', index: 1 });
    expect(s.items).toHaveLength(1);
    expect(s.selected).toBe(0);
    s = cartReducer(s, { type: 'orderDiscount', discount: { kind: 'amount', cents: 10 } });
    s = cartReducer(s, { type: 'remove', index: 0 });
    expect(s.selected).toBe(-1);
    expect(s.orderDiscount).toBeNull();
  });

  it('ignores actions on lines that do not exist (the cart stays untouched)', () => {
    const s = cartReducer(emptyCart, { type: 'add', product: product(1) });
    expect(cartReducer(s, { type: 'remove', index: 4 })).toBe(s);
    expect(cartReducer(s, { type: 'setQuantity', index: -1, quantity: 3 })).toBe(s);
  });

  it('round-trips through a held cart', () => {
    let s = cartReducer(emptyCart, { type: 'add', product: product(3), quantity: 2 });
    s = cartReducer(s, { type: 'orderDiscount', discount: { kind: 'percent', ppm: 50_000 } });
    const loaded = cartReducer(emptyCart, { type: 'load', cart: toCart(s), label: 'Table 4' });
    expect(toCart(loaded)).toEqual(toCart(s));
    expect(loaded.recalledFrom).toBe('Table 4');
    expect(loaded.customer).toBeNull();
    const customer = {
      customerId: '0190f0e0-0000-7000-8000-00000000000c',
      firstName: 'Ada',
      lastName: 'Byron',
      email: null,
      phone: null,
      loyaltyTier: 'bronze',
    };
    const withCustomer = cartReducer(s, {
      type: 'load',
      cart: toCart(s),
      label: 'Table 5',
      customer,
    });
    expect(withCustomer.customer).toEqual(customer);
  });

  it('keeps a tax exemption only with the customer it was given for', () => {
    const ada = {
      customerId: '0190f0e0-0000-7000-8000-00000000000c',
      firstName: 'Ada',
      lastName: 'Byron',
      email: null,
      phone: null,
      loyaltyTier: 'bronze',
    };
    let s = cartReducer(emptyCart, { type: 'add', product: product(1) });
    expect(cartReducer(s, { type: 'taxExempt', reference: 'EX-1' }).taxExemptReference).toBeNull();
    s = cartReducer(s, { type: 'customer', customer: ada });
    s = cartReducer(s, { type: 'taxExempt', reference: 'EX-1' });
    expect(s.taxExemptReference).toBe('EX-1');
    expect(cartReducer(s, { type: 'customer', customer: ada }).taxExemptReference).toBe('EX-1');
    const other = { ...ada, customerId: '0190f0e0-0000-7000-8000-00000000000d' };
    expect(cartReducer(s, { type: 'customer', customer: other }).taxExemptReference).toBeNull();
    expect(cartReducer(s, { type: 'customer', customer: null }).taxExemptReference).toBeNull();
  });

  it('sets a price by hand with its reason, keeps such a line apart, and puts the price back', () => {
    let s: CartState = cartReducer(emptyCart, { type: 'add', product: product(5) });
    s = cartReducer(s, {
      type: 'setPrice',
      index: 0,
      price: { unitPriceCents: 350, reason: 'Price match' },
    });
    expect(s.items[0]).toMatchObject({
      unitPriceCents: 350,
      catalogPriceCents: 500,
      priceOverride: { reason: 'Price match' },
    });
    // The next unit scanned is sold at the catalog price, on its own line.
    s = cartReducer(s, { type: 'add', product: product(5) });
    expect(s.items.map((i) => [i.unitPriceCents, i.quantity])).toEqual([
      [350, 1],
      [500, 1],
    ]);
    expect(toCart(s).lines.map((l) => l.priceOverride)).toEqual([{ reason: 'Price match' }, null]);
    s = cartReducer(s, { type: 'setPrice', index: 0, price: null });
    expect(s.items[0]).toMatchObject({ unitPriceCents: 500, priceOverride: null });
  });

  it('adds an open-price item with the price typed, and a held one keeps its price', () => {
    const open = { ...product(1), priceCents: 0 };
    let s: CartState = cartReducer(emptyCart, {
      type: 'add',
      product: open,
      price: { unitPriceCents: 1_250, reason: 'Open-price item' },
    });
    s = cartReducer(s, {
      type: 'add',
      product: open,
      price: { unitPriceCents: 800, reason: 'Open-price item' },
    });
    expect(s.items.map((i) => [i.unitPriceCents, i.catalogPriceCents])).toEqual([
      [1_250, 0],
      [800, 0],
    ]);
    const recalled = cartReducer(emptyCart, { type: 'load', cart: toCart(s), label: 'held' });
    expect(recalled.items.map((i) => [i.unitPriceCents, i.priceOverride])).toEqual([
      [1_250, { reason: 'Open-price item' }],
      [800, { reason: 'Open-price item' }],
    ]);
    // Its catalog price is unknown on the screen: it cannot be put back, only set again.
    expect(cartReducer(recalled, { type: 'setPrice', index: 0, price: null })).toBe(recalled);
  });
});

/**
 * The cart priced as the till will price it: the store's tax rates and HQ's promotions as the
 * till holds them, through the till's own priceCart (core/pricing.ts), so what the cashier sees
 * is what the sale records.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { priceCart, type PricedCart } from '../../../core/pricing';
import type { Promotion } from '../../../core/promotions';
import { getErrorMessage } from '../../../contract/errors';
import { useCall } from '../../shell/call';
import { useSession, useStore } from '../../shell/context';
import { toCart, type CartState } from './cart';

export function useCartPricing(cart: CartState) {
  const { api } = useSession();
  const call = useCall();
  const store = useStore();
  const exempt = cart.taxExemptReference !== null;
  // The store's whole tax setting, as the till prices the sale: a tax-inclusive store's prices
  // contain the tax, so the total is the shelf price (issue 13, item 7: figures that agree).
  const rates = useMemo(
    () => ({
      storeRatePpm: store.taxRatePpm,
      categoryRates: new Map(store.categoryTaxRates),
      exempt,
      included: store.taxIncluded,
      rounding: store.taxRounding,
      components: store.taxComponents,
    }),
    [
      store.taxRatePpm,
      store.categoryTaxRates,
      exempt,
      store.taxIncluded,
      store.taxRounding,
      store.taxComponents,
    ],
  );
  // HQ's promotions as the till holds them, read again whenever a new sale starts (the till
  // prices the sale again at commit with its own copy and clock: the receipt is the truth).
  const [promotions, setPromotions] = useState<Promotion[]>([]);
  const startingSale = cart.items.length === 0;
  useEffect(() => {
    if (!startingSale) return;
    let live = true;
    void call(api.promotions(), { quiet: true }).then((r) => {
      if (live && r.ok) setPromotions(r.data);
    });
    return () => {
      live = false;
    };
  }, [api, call, startingSale]);
  const price = useCallback(
    (c: ReturnType<typeof toCart>) => priceCart(c, rates, { promotions, now: new Date() }),
    [rates, promotions],
  );
  const priced: PricedCart | { error: string } = useMemo(() => {
    try {
      return price(toCart(cart));
    } catch (error) {
      return { error: getErrorMessage(error) };
    }
  }, [cart, price]);
  const totals = 'error' in priced ? null : priced;
  return { promotions, price, priced, totals };
}

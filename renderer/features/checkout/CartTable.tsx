/**
 * The cart as a table: lines with quantity, price, discount and line total (tax excluded). It
 * scrolls in its own area (the totals beside it never move) and keeps the chosen line in view.
 */
import { useEffect, useRef } from 'react';
import type { PricedLine } from '../../../core/pricing';
import { formatMoney } from '../../shell/amounts';
import type { CartState } from './cart';
import { useStore } from '../../shell/context';

export function CartTable({
  cart,
  lines,
  onSelect,
}: {
  cart: CartState;
  /** The priced lines, in cart order; undefined while the cart cannot be priced. */
  lines: PricedLine[] | undefined;
  onSelect: (index: number) => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const { currency } = useStore();
  // The chosen line stays in view when it changes and when the cart's area is resized.
  useEffect(() => {
    const area = scroller.current;
    if (!area) return;
    const reveal = (): void =>
      area
        .querySelector<HTMLElement>('tr[aria-selected="true"]')
        ?.scrollIntoView({ block: 'nearest' });
    reveal();
    const observer = new ResizeObserver(reveal);
    observer.observe(area);
    return () => observer.disconnect();
  }, [cart.selected, cart.items.length]);
  return (
    <div className="cart-scroll" ref={scroller} data-testid="cart-scroll">
      <table className="cart" aria-label="Cart" data-testid="cart">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>Item</th>
            <th className="num">Qty</th>
            <th className="num">Price</th>
            <th className="num">Discount</th>
            <th className="num">Total</th>
          </tr>
        </thead>
        <tbody>
          {cart.items.length === 0 ? (
            <tr className="empty">
              <td colSpan={6}>
                Scan an item or type to search. {cart.recalledFrom ? '' : 'F4 recalls a held sale.'}
              </td>
            </tr>
          ) : null}
          {cart.items.map((item, i) => {
            const line = lines?.[i];
            return (
              <tr
                key={item.key}
                className={i === cart.selected ? 'selected' : ''}
                aria-selected={i === cart.selected}
                onClick={() => onSelect(i)}
                data-testid="cart-line"
                data-sku={item.sku}
              >
                <td className="num">{i + 1}</td>
                <td className="item">
                  <span className="item-name" title={item.productName}>
                    {item.productName}
                  </span>
                  <div className="muted">
                    {item.sku}
                    {item.onHand !== null && item.onHand - item.quantity < 0 ? (
                      <span className="warn"> · stock {item.onHand}</span>
                    ) : null}
                  </div>
                  {item.priceOverride ? (
                    <div className="promo" data-testid="line-override">
                      Price set by hand: {item.priceOverride.reason}
                      {item.catalogPriceCents
                        ? ` (was ${formatMoney(item.catalogPriceCents, currency)})`
                        : ''}
                    </div>
                  ) : null}
                  {line?.promotions.map((p) => (
                    <div className="promo" key={p.promotionId} data-testid="line-promotion">
                      {p.name} −{formatMoney(p.cents, currency)}
                    </div>
                  ))}
                </td>
                <td className="num qty" data-testid="line-qty">
                  {item.quantity}
                </td>
                <td className="num">{formatMoney(item.unitPriceCents)}</td>
                <td className="num">
                  {line && line.discountCents > 0 ? `−${formatMoney(line.discountCents)}` : ''}
                </td>
                <td className="num" data-testid="line-total">
                  {line ? formatMoney(line.netCents) : '—'}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

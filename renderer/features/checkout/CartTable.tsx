/** The cart as a table: lines with quantity, price, discount and line total (tax excluded). */
import type { PricedLine } from '../../../core/pricing';
import { formatMoney } from '../../shell/amounts';
import type { CartState } from './cart';

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
  return (
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
              <td>
                {item.productName}
                <div className="muted">
                  {item.sku}
                  {item.onHand !== null && item.onHand - item.quantity < 0 ? (
                    <span className="warn"> · stock {item.onHand}</span>
                  ) : null}
                </div>
              </td>
              <td className="num qty" data-testid="line-qty">
                {item.quantity}
              </td>
              <td className="num">{formatMoney(item.unitPriceCents)}</td>
              <td className="num">
                {line && line.discountCents > 0 ? `−${formatMoney(line.discountCents)}` : ''}
              </td>
              <td className="num">{line ? formatMoney(line.netCents) : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

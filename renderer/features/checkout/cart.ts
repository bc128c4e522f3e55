/**
 * The cart being rung up, as a pure reducer. Totals are never stored: they come from the same
 * `priceCart` the till commits with, so the screen and the receipt always agree.
 */
import type { Cart, CartLine, Discount } from '../../../core/pricing';
import { MAX_LINE_QUANTITY } from '../../../core/pricing';
import type { Customer } from '../../../contract/till-api/customers';
import type { ProductSummary } from '../../../contract/till-api/catalog';

export interface CartItem {
  /** Stable React key for the line. */
  key: string;
  productId: string;
  sku: string;
  productName: string;
  categoryId: number | null;
  unitPriceCents: number;
  quantity: number;
  discount: Discount | null;
  /** On hand when the item was added (shown, never blocks the sale). */
  onHand: number | null;
  /** The catalog's price (0: an open-price item); null for a recalled line set by hand. */
  catalogPriceCents: number | null;
  /** The price was set by hand (override or open price): why. The till records both. */
  priceOverride: { reason: string } | null;
}

export interface CartState {
  items: CartItem[];
  /** Index of the selected line (quantity, discount and remove act on it). */
  selected: number;
  orderDiscount: Discount | null;
  /** Coupon codes entered (checked against the store's promotions when entered). */
  coupons: string[];
  customer: Customer | null;
  /** A tax-exempt sale: the customer's exemption reference (cleared with the customer). */
  taxExemptReference: string | null;
  /** A manager's PIN collected for a discount above the cashier limit; sent with the sale. */
  managerPin: string | null;
  /** The manager whose PIN that is (null: the store's only manager). */
  managerId: string | null;
  /** Label of the held cart this one was recalled from. */
  recalledFrom: string | null;
  /** Counts lines ever added, for keys. */
  serial: number;
  /** The line Delete removed last, where it was, and the order discount it took: Ctrl+Z undoes. */
  removed: { item: CartItem; index: number; orderDiscount: Discount | null } | null;
}

export const emptyCart: CartState = {
  items: [],
  selected: -1,
  orderDiscount: null,
  coupons: [],
  customer: null,
  taxExemptReference: null,
  managerPin: null,
  managerId: null,
  recalledFrom: null,
  serial: 0,
  removed: null,
};

export type CartAction =
  | {
      type: 'add';
      product: Pick<
        ProductSummary,
        'productId' | 'sku' | 'productName' | 'categoryId' | 'priceCents'
      > & { onHand?: number };
      quantity?: number;
      /** An open-price item enters the cart with the price the cashier typed and why. */
      price?: { unitPriceCents: number; reason: string };
    }
  | { type: 'select'; index: number }
  | { type: 'move'; by: number }
  | { type: 'setQuantity'; index: number; quantity: number }
  | { type: 'remove'; index: number }
  | { type: 'undoRemove' }
  | { type: 'lineDiscount'; index: number; discount: Discount | null }
  /** Set a line's price by hand with a reason; `price: null` puts the catalog price back. */
  | { type: 'setPrice'; index: number; price: { unitPriceCents: number; reason: string } | null }
  | { type: 'orderDiscount'; discount: Discount | null }
  | { type: 'coupon'; code: string }
  | { type: 'taxExempt'; reference: string | null }
  | { type: 'customer'; customer: Customer | null }
  | { type: 'managerPin'; pin: string | null; managerId: string | null }
  | { type: 'load'; cart: Cart; label: string; customer?: Customer | null }
  | { type: 'clear' };

/** What a product brings to the cart when it is added. */
export type CartProduct = Extract<CartAction, { type: 'add' }>['product'];

const clampQty = (q: number): number => Math.min(MAX_LINE_QUANTITY, Math.max(1, Math.floor(q)));

export function cartReducer(state: CartState, action: CartAction): CartState {
  switch (action.type) {
    case 'add': {
      const quantity = clampQty(action.quantity ?? 1);
      // Scanning the same item again adds to its line (unless that line carries a discount or a
      // price set by hand: the new unit is sold at the catalog price).
      const existing = action.price
        ? -1
        : state.items.findIndex(
            (i) =>
              i.productId === action.product.productId &&
              i.discount === null &&
              i.priceOverride === null,
          );
      if (existing >= 0) {
        const items = state.items.map((item, i) =>
          i === existing ? { ...item, quantity: clampQty(item.quantity + quantity) } : item,
        );
        return { ...state, items, selected: existing };
      }
      const serial = state.serial + 1;
      const item: CartItem = {
        key: `l${serial}`,
        productId: action.product.productId,
        sku: action.product.sku,
        productName: action.product.productName,
        categoryId: action.product.categoryId,
        unitPriceCents: action.price?.unitPriceCents ?? action.product.priceCents,
        quantity,
        discount: null,
        onHand: action.product.onHand ?? null,
        catalogPriceCents: action.product.priceCents,
        priceOverride: action.price ? { reason: action.price.reason } : null,
      };
      return { ...state, items: [...state.items, item], selected: state.items.length, serial };
    }
    case 'select':
      if (action.index < 0 || action.index >= state.items.length) return state;
      return { ...state, selected: action.index };
    case 'move': {
      if (state.items.length === 0) return state;
      const next = Math.min(state.items.length - 1, Math.max(0, state.selected + action.by));
      return { ...state, selected: next };
    }
    case 'setQuantity':
      if (!state.items[action.index]) return state;
      return {
        ...state,
        items: state.items.map((item, i) =>
          i === action.index ? { ...item, quantity: clampQty(action.quantity) } : item,
        ),
      };
    case 'remove': {
      if (!state.items[action.index]) return state;
      const item = state.items[action.index];
      const items = state.items.filter((_, i) => i !== action.index);
      return {
        ...state,
        items,
        selected: Math.min(action.index, items.length - 1),
        orderDiscount: items.length === 0 ? null : state.orderDiscount,
        removed: item ? { item, index: action.index, orderDiscount: state.orderDiscount } : null,
      };
    }
    case 'undoRemove': {
      const removed = state.removed;
      if (!removed) return state;
      const index = Math.min(removed.index, state.items.length);
      const items = [...state.items.slice(0, index), removed.item, ...state.items.slice(index)];
      return {
        ...state,
        items,
        selected: index,
        orderDiscount: state.orderDiscount ?? removed.orderDiscount,
        removed: null,
      };
    }
    case 'lineDiscount':
      if (!state.items[action.index]) return state;
      return {
        ...state,
        items: state.items.map((item, i) =>
          i === action.index ? { ...item, discount: action.discount } : item,
        ),
      };
    case 'setPrice': {
      const line = state.items[action.index];
      if (!line) return state;
      // Back to the catalog price only when it is known (a recalled line keeps its price).
      const back = action.price === null && line.catalogPriceCents === null;
      if (back) return state;
      const item: CartItem = action.price
        ? {
            ...line,
            unitPriceCents: action.price.unitPriceCents,
            priceOverride: { reason: action.price.reason },
          }
        : { ...line, unitPriceCents: line.catalogPriceCents ?? 0, priceOverride: null };
      return { ...state, items: state.items.map((it, i) => (i === action.index ? item : it)) };
    }
    case 'orderDiscount':
      return { ...state, orderDiscount: action.discount };
    case 'coupon':
      return state.coupons.includes(action.code)
        ? state
        : { ...state, coupons: [...state.coupons, action.code] };
    case 'taxExempt':
      return state.customer ? { ...state, taxExemptReference: action.reference } : state;
    case 'customer':
      // The exemption belongs to the customer it was given for.
      return {
        ...state,
        customer: action.customer,
        taxExemptReference:
          action.customer?.customerId === state.customer?.customerId
            ? state.taxExemptReference
            : null,
      };
    case 'managerPin':
      return { ...state, managerPin: action.pin, managerId: action.managerId };
    case 'load': {
      let serial = state.serial;
      const items = action.cart.lines.map((line) => {
        serial += 1;
        return {
          key: `l${serial}`,
          productId: line.productId,
          sku: line.sku,
          productName: line.productName,
          categoryId: line.categoryId,
          unitPriceCents: line.unitPriceCents,
          quantity: line.quantity,
          discount: line.discount ?? null,
          onHand: null,
          // A held line set by hand keeps its price and reason; its catalog price is the
          // till's to look up again at commit.
          catalogPriceCents: line.priceOverride ? null : line.unitPriceCents,
          priceOverride: line.priceOverride ?? null,
        };
      });
      return {
        ...emptyCart,
        items,
        selected: items.length - 1,
        orderDiscount: action.cart.orderDiscount ?? null,
        coupons: action.cart.coupons ?? [],
        customer: action.customer ?? null,
        recalledFrom: action.label,
        serial,
      };
    }
    case 'clear':
      return { ...emptyCart, serial: state.serial };
  }
}

/** The cart in the shape pricing, holds and the sale take. */
export function toCart(state: CartState): {
  lines: CartLine[];
  orderDiscount: Discount | null;
  coupons: string[];
} {
  return {
    lines: state.items.map((i) => ({
      productId: i.productId,
      sku: i.sku,
      productName: i.productName,
      categoryId: i.categoryId,
      unitPriceCents: i.unitPriceCents,
      quantity: i.quantity,
      discount: i.discount,
      priceOverride: i.priceOverride,
    })),
    orderDiscount: state.orderDiscount,
    coupons: state.coupons,
  };
}

/**
 * The checkout's function keys: one list, used by the key bindings, the on-screen key bar, the
 * help panel (F1) and docs/app.md.
 */
export const CHECKOUT_KEYS = {
  help: { key: 'F1', label: 'Help' },
  search: { key: 'F2', label: 'Search' },
  customer: { key: 'F3', label: 'Customer' },
  hold: { key: 'F4', label: 'Hold/Recall' },
  quantity: { key: 'F5', label: 'Quantity' },
  discount: { key: 'F6', label: 'Discount' },
  orderDiscount: { key: 'Shift+F6', label: 'Order discount' },
  coupon: { key: 'Alt+C', label: 'Coupon' },
  taxExempt: { key: 'Alt+T', label: 'Tax exempt' },
  price: { key: 'Alt+P', label: 'Price override' },
  giftCard: { key: 'Alt+G', label: 'Gift card / store credit' },
  receipts: { key: 'F7', label: 'Receipts' },
  void: { key: 'F8', label: 'Void' },
  returns: { key: 'F9', label: 'Returns' },
  shift: { key: 'F10', label: 'Shift' },
  noSale: { key: 'Alt+S', label: 'No sale (open the drawer)' },
  sync: { key: 'F11', label: 'Sync' },
  pay: { key: 'F12', label: 'Pay' },
  remove: { key: 'Delete', label: 'Remove line' },
  undoRemove: { key: 'Ctrl+Z', label: 'Undo remove' },
  cancel: { key: 'Escape', label: 'Cancel' },
  logout: { key: 'Ctrl+L', label: 'Log out' },
} as const;

/** Keys that work without a function key, for the help panel. */
export const OTHER_KEYS: ReadonlyArray<{ key: string; what: string }> = [
  { key: 'Scanner', what: 'Scan a barcode anywhere: the item is added whichever field has focus' },
  {
    key: 'Enter',
    what: 'In the search box: add the highlighted result, or look up the typed code',
  },
  {
    key: '↑ / ↓',
    what: 'Move through search results; with an empty search box, choose a cart line',
  },
  { key: '+ / −', what: 'With an empty search box: one more / one less of the chosen line' },
  { key: 'Tab / Shift+Tab', what: 'Move between fields; the focused element is outlined' },
  { key: 'Ctrl+P', what: 'On a receipt or Z report: print' },
  { key: 'Esc', what: 'Close the dialog; in checkout, clear the search or cancel the sale' },
];

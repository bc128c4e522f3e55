/**
 * Entering a coupon code (Alt+C): checked at once against HQ's promotions the till holds
 * (core/promotions.ts checkCoupon). An unknown code or one outside its dates is answered in
 * words beside the field and the cart is left as it was; a valid one is added to the sale.
 */
import { useState } from 'react';
import { checkCoupon, normaliseCode, type Promotion } from '../../../core/promotions';
import { getErrorMessage } from '../../../contract/errors';
import { Modal, TextField } from '../../shell/ui';

const dateWords = (iso: string): string =>
  new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' });

export function CouponDialog(props: {
  promotions: readonly Promotion[];
  entered: readonly string[];
  onApply: (promotion: Promotion, code: string) => void;
  onClose: () => void;
}) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal title="Coupon" onClose={props.onClose} testId="coupon-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          try {
            const promotion = checkCoupon(text, {
              promotions: props.promotions,
              entered: props.entered,
              now: new Date(),
              formatDate: dateWords,
            });
            props.onApply(promotion, normaliseCode(text));
          } catch (err) {
            setError(`${getErrorMessage(err)}. The sale is unchanged.`);
          }
        }}
      >
        <TextField
          label="Coupon code"
          name="coupon"
          autoComplete="off"
          maxLength={40}
          autoFocusField
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setError(null);
          }}
          aria-invalid={error ? true : undefined}
          data-testid="coupon-input"
        />
        {error ? (
          <p className="error-text" role="alert" data-testid="coupon-error">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary">
          Add coupon (Enter)
        </button>
      </form>
    </Modal>
  );
}

/**
 * A tax-exempt sale (Alt+T, with the customer attached): the cashier types the customer's
 * exemption certificate or reference; the sale is then priced without tax and the reference
 * is recorded on it (db/checkout/sale.ts). An empty reference charges tax again.
 */
import { useState } from 'react';
import { Modal, TextField } from '../../shell/ui';

export function TaxExemptDialog(props: {
  customerName: string;
  reference: string | null;
  onApply: (reference: string | null) => void;
  onClose: () => void;
}) {
  const [text, setText] = useState(props.reference ?? '');
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal
      title={`Tax exempt: ${props.customerName}`}
      onClose={props.onClose}
      testId="tax-exempt-dialog"
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const reference = text.trim();
          if (reference.length > 60) {
            setError('The exemption reference is at most 60 characters');
            return;
          }
          props.onApply(reference === '' ? null : reference);
        }}
      >
        <TextField
          label="Exemption certificate or reference (empty: charge tax)"
          name="taxExemptReference"
          autoComplete="off"
          maxLength={61}
          autoFocusField
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setError(null);
          }}
          aria-invalid={error ? true : undefined}
          data-testid="tax-exempt-input"
        />
        {error ? (
          <p className="error-text" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary">
          Apply (Enter)
        </button>
      </form>
    </Modal>
  );
}

/** The lines of the receipt being returned: how many of each come back, why, and to stock. */
import { formatMoney } from '../../shell/amounts';
import type { ReturnableLine } from '../../../contract/till-api/returns';
import { REASONS, type Choice } from './use-return-plan';

export function ReturnLinesTable(props: {
  lines: ReturnableLine[];
  choices: Record<string, Choice>;
  currency: string;
  onChoice: (itemId: string, patch: Partial<Choice>) => void;
}) {
  return (
    <table className="table returns-lines">
      <thead>
        <tr>
          <th>Item</th>
          <th className="num">Sold</th>
          <th className="num">Returnable</th>
          <th>Return qty</th>
          <th>Reason</th>
          <th>Back to stock</th>
        </tr>
      </thead>
      <tbody>
        {props.lines.map((l, i) => {
          const c = props.choices[l.itemId];
          return (
            <tr key={l.itemId} data-testid="return-line" data-sku={l.sku}>
              <td>
                {l.productName}
                <div className="muted">
                  {l.sku} · paid {formatMoney(l.totalCents + l.taxCents, props.currency)}
                </div>
              </td>
              <td className="num">{l.quantity}</td>
              <td className="num">{l.returnableQuantity}</td>
              <td>
                <input
                  aria-label={`Return quantity of ${l.productName}`}
                  className="qty-input"
                  inputMode="numeric"
                  maxLength={4}
                  value={c?.quantity ?? '0'}
                  disabled={l.returnableQuantity === 0}
                  onFocus={(e) => e.target.select()}
                  onChange={(e) => props.onChoice(l.itemId, { quantity: e.target.value })}
                  autoFocus={i === 0}
                  data-testid="return-qty"
                />
              </td>
              <td>
                <select
                  aria-label={`Reason for ${l.productName}`}
                  value={c?.reason}
                  onChange={(e) => props.onChoice(l.itemId, { reason: e.target.value })}
                >
                  {REASONS.map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
              </td>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Put ${l.productName} back in stock`}
                  checked={c?.restock ?? true}
                  onChange={(e) => props.onChoice(l.itemId, { restock: e.target.checked })}
                />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

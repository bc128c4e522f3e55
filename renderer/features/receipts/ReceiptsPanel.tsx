/** Recent receipts, or any receipt by number (typed or scanned): open it to reprint. */
import { useEffect, useState } from 'react';
import { formatMoney } from '../../shell/amounts';
import { useCall } from '../../shell/call';
import { useApi, useStore } from '../../shell/context';
import { Modal, TextField } from '../../shell/ui';

interface Recent {
  receiptNumber: string;
  totalCents: number;
  occurredAt: string;
  status: string;
  transactionType: string;
}

export function ReceiptsPanel(props: {
  onOpen: (receiptNumber: string) => void;
  onClose: () => void;
}) {
  const api = useApi();
  const call = useCall();
  const store = useStore();
  const [number, setNumber] = useState('');
  const [recent, setRecent] = useState<Recent[]>([]);
  const [active, setActive] = useState(-1);
  useEffect(() => {
    void call(api.recentReceipts({ limit: 15 })).then((r) => r.ok && setRecent(r.data));
  }, [api, call]);
  return (
    <Modal
      title="Receipts"
      onClose={props.onClose}
      wide
      testId="receipts-panel"
      onScan={(code) => props.onOpen(code)}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const chosen = active >= 0 ? recent[active]?.receiptNumber : number.trim();
          if (chosen) props.onOpen(chosen);
        }}
      >
        <TextField
          label="Receipt number (type or scan)"
          name="receiptNumber"
          maxLength={80}
          autoFocusField
          autoComplete="off"
          value={number}
          onChange={(e) => {
            setNumber(e.target.value);
            setActive(-1);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              setActive((a) => Math.min(recent.length - 1, a + 1));
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((a) => Math.max(-1, a - 1));
            }
          }}
        />
      </form>
      <table className="table">
        <thead>
          <tr>
            <th>Receipt</th>
            <th>Time</th>
            <th>Type</th>
            <th className="num">Total</th>
          </tr>
        </thead>
        <tbody>
          {recent.map((r, i) => (
            <tr
              key={r.receiptNumber}
              className={i === active ? 'active' : ''}
              onMouseDown={() => props.onOpen(r.receiptNumber)}
            >
              <td>{r.receiptNumber}</td>
              <td>{new Date(r.occurredAt).toLocaleTimeString('en-US')}</td>
              <td>
                {r.transactionType}
                {r.status === 'voided' ? ' (voided)' : ''}
              </td>
              <td className="num">{formatMoney(r.totalCents, store.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">↓/↑ choose · Enter opens (reprint from there)</p>
    </Modal>
  );
}

/** Hold the current cart to serve someone else, or recall a held one. */
import { useEffect, useState } from 'react';
import { useCall } from '../../shell/call';
import { useApi } from '../../shell/context';
import { Modal, TextField } from '../../shell/ui';
import type { HeldCart } from '../../../contract/till-api/holds';

export function HoldDialog(props: { onHold: (label: string) => void; onClose: () => void }) {
  const [label, setLabel] = useState('');
  return (
    <Modal title="Hold this sale" onClose={props.onClose} testId="hold-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          props.onHold(label);
        }}
      >
        <TextField
          label="Label (optional): customer name, note"
          name="label"
          maxLength={60}
          autoFocusField
          value={label}
          onChange={(e) => setLabel(e.target.value)}
        />
        <button type="submit" className="primary">
          Hold (Enter)
        </button>
      </form>
    </Modal>
  );
}

export function RecallPanel(props: { onRecall: (holdId: string) => void; onClose: () => void }) {
  const api = useApi();
  const call = useCall();
  const [held, setHeld] = useState<HeldCart[] | null>(null);
  const [active, setActive] = useState(0);
  useEffect(() => {
    void call(api.listHeld()).then((r) => setHeld(r.ok ? r.data : []));
  }, [api, call]);
  const pick = held?.[active];
  return (
    <Modal
      title="Recall a held sale"
      onClose={props.onClose}
      testId="recall-panel"
      actions={[
        {
          key: 'ArrowDown',
          label: 'Next',
          show: false,
          run: () => setActive((a) => Math.min((held?.length ?? 1) - 1, a + 1)),
        },
        {
          key: 'ArrowUp',
          label: 'Previous',
          show: false,
          run: () => setActive((a) => Math.max(0, a - 1)),
        },
        {
          key: 'Enter',
          label: 'Recall',
          run: () => pick && props.onRecall(pick.holdId),
          disabled: !pick,
        },
      ]}
    >
      {held === null ? <p>Loading…</p> : held.length === 0 ? <p>No sales are on hold.</p> : null}
      <ul className="list" role="listbox" aria-label="Held sales">
        {held?.map((h, i) => (
          <li
            key={h.holdId}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'active' : ''}
            onMouseDown={() => props.onRecall(h.holdId)}
          >
            <strong>{h.label}</strong>{' '}
            <span className="muted">
              {h.lineCount} line(s) · {new Date(h.heldAt).toLocaleTimeString('en-US')}
              {h.customerName ? ` · ${h.customerName}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </Modal>
  );
}

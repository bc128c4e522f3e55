/** Find a customer (name, email, phone) or create one quickly, and attach them to the sale. */
import { useRef, useState } from 'react';
import { useCall } from '../../shell/call';
import { useApi, useNotice } from '../../shell/context';
import { Modal, TextField } from '../../shell/ui';
import type { Customer } from '../../../contract/till-api/customers';

export function CustomerPanel(props: {
  current: Customer | null;
  onPick: (customer: Customer | null) => void;
  onClose: () => void;
}) {
  const api = useApi();
  const call = useCall();
  const { notify } = useNotice();
  const [mode, setMode] = useState<'find' | 'create'>('find');
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Customer[]>([]);
  const [active, setActive] = useState(0);
  const [form, setForm] = useState({ firstName: '', lastName: '', email: '', phone: '' });
  const serial = useRef(0);

  const find = (value: string): void => {
    setQuery(value);
    serial.current += 1;
    const mine = serial.current;
    if (value.trim().length < 2) {
      setResults([]);
      return;
    }
    void call(api.findCustomers({ query: value, limit: 8 }), { quiet: true }).then((r) => {
      if (mine !== serial.current) return;
      if (r.ok) {
        setResults(r.data);
        setActive(0);
      } else notify('error', r.error.message);
    });
  };

  const create = async (): Promise<void> => {
    const result = await call(api.createCustomer(form));
    if (result.ok) {
      notify(
        'success',
        `Customer ${result.data.firstName} ${result.data.lastName} created and added to the sale`,
      );
      props.onPick(result.data);
    }
  };

  return (
    <Modal
      title={mode === 'find' ? 'Customer' : 'New customer'}
      onClose={props.onClose}
      wide
      testId="customer-panel"
      actions={[
        { key: 'Alt+N', label: 'New customer', run: () => setMode('create') },
        ...(props.current
          ? [{ key: 'Ctrl+Delete', label: 'Remove from sale', run: () => props.onPick(null) }]
          : []),
      ]}
    >
      {props.current ? (
        <p>
          On this sale:{' '}
          <strong>
            {props.current.firstName} {props.current.lastName}
          </strong>{' '}
          ({props.current.loyaltyTier})
        </p>
      ) : null}
      {mode === 'find' ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const picked = results[active];
            if (picked) props.onPick(picked);
            else
              notify(
                'error',
                query.trim().length < 2
                  ? 'Type at least 2 letters of a name, email or phone'
                  : 'No customer matches; press Alt+N to create one',
              );
          }}
        >
          <TextField
            key="find"
            label="Name, email or phone"
            name="customerQuery"
            autoComplete="off"
            maxLength={100}
            autoFocusField
            value={query}
            onChange={(e) => find(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown') {
                e.preventDefault();
                setActive((a) => Math.min(results.length - 1, a + 1));
              } else if (e.key === 'ArrowUp') {
                e.preventDefault();
                setActive((a) => Math.max(0, a - 1));
              }
            }}
            data-testid="customer-query"
          />
          <ul className="list" role="listbox" aria-label="Customers">
            {results.map((c, i) => (
              <li
                key={c.customerId}
                role="option"
                aria-selected={i === active}
                className={i === active ? 'active' : ''}
                onMouseDown={() => props.onPick(c)}
              >
                <strong>
                  {c.firstName} {c.lastName}
                </strong>{' '}
                <span className="muted">
                  {c.email ?? ''} {c.phone ?? ''} · {c.loyaltyTier}
                </span>
              </li>
            ))}
          </ul>
          <p className="muted">Enter attaches the highlighted customer · Alt+N creates a new one</p>
        </form>
      ) : (
        <form
          className="form-grid"
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <TextField
            key="first"
            label="First name"
            name="firstName"
            maxLength={50}
            autoFocus
            autoFocusField
            value={form.firstName}
            onChange={(e) => setForm({ ...form, firstName: e.target.value })}
          />
          <TextField
            label="Last name"
            name="lastName"
            maxLength={50}
            value={form.lastName}
            onChange={(e) => setForm({ ...form, lastName: e.target.value })}
          />
          <TextField
            label="Email (optional)"
            name="email"
            type="email"
            maxLength={100}
            value={form.email}
            onChange={(e) => setForm({ ...form, email: e.target.value })}
          />
          <TextField
            label="Phone (optional)"
            name="phone"
            type="tel"
            maxLength={30}
            value={form.phone}
            onChange={(e) => setForm({ ...form, phone: e.target.value })}
          />
          <button type="submit" className="primary">
            Create and add to sale (Enter)
          </button>
        </form>
      )}
    </Modal>
  );
}

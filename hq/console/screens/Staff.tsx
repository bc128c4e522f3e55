/**
 * Staff: the people who sign in at a store's tills with a PIN. Add someone, give them a new
 * PIN, disable them (they can no longer sign in at any till of the store after its next pull)
 * or enable them again. Forms are checked by the contract's schemas (contract/console-staff.ts)
 * before anything is sent; the server checks again and answers in plain words (a PIN someone
 * else at the store uses is refused there).
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { ConsoleUser } from '../../../contract/console-protocol';
import {
  ConsoleStaff,
  CreateStaff,
  StaffList,
  StaffRePin,
  type StaffRole,
} from '../../../contract/console-staff';
import { api, ApiError } from '../api';
import { fieldErrors, type FieldErrors } from '../forms';
import type { Store } from '../model';
import { TextField } from '../components/TextField';
import { ScreenMessages } from '../components/ScreenMessages';

const ROLE_TITLES: Record<StaffRole, string> = { cashier: 'Cashier', manager: 'Manager' };

const messageOf = (e: unknown): string => (e instanceof ApiError ? e.message : String(e));

export function StaffScreen({ stores, user }: { stores: Store[]; user: ConsoleUser }) {
  const [storeId, setStoreId] = useState('');
  const [staff, setStaff] = useState<ConsoleStaff[]>([]);
  const [rePinning, setRePinning] = useState<ConsoleStaff | undefined>();
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  const store = stores.find((s) => s.storeId === storeId) ?? stores[0];
  const canEdit = user.role !== 'analyst';

  // Only the answer to the latest request is shown; resolves once the list is the fresh one.
  const latest = useRef(0);
  const load = useCallback((): Promise<void> => {
    if (!store) return Promise.resolve();
    const request = ++latest.current;
    return api(StaffList, `/stores/${store.storeId}/staff`)
      .then((r) => {
        if (request !== latest.current) return;
        setStaff(r.staff);
        setError('');
      })
      .catch((e: unknown) => setError(messageOf(e)));
  }, [store]);
  useEffect(() => {
    void load();
  }, [load]);

  const setActive = (m: ConsoleStaff, active: boolean) => {
    api(ConsoleStaff, `/stores/${m.storeId}/staff/${m.staffId}/active`, {
      method: 'POST',
      body: { active },
    })
      .then(() => load())
      .then(() =>
        setNotice(
          active
            ? `${m.displayName} can sign in at the tills again`
            : `${m.displayName} can no longer sign in at the tills`,
        ),
      )
      .catch((e: unknown) => setError(messageOf(e)));
  };

  if (!store) return <p>No stores to show.</p>;
  return (
    <section>
      <h2>Staff</h2>
      <label>
        Store
        <select
          value={store.storeId}
          onChange={(e) => {
            setStoreId(e.target.value);
            setNotice('');
            setRePinning(undefined);
          }}
          data-testid="staff-store"
        >
          {stores.map((s) => (
            <option key={s.storeId} value={s.storeId}>
              {s.storeName}
            </option>
          ))}
        </select>
      </label>
      <ScreenMessages notice={notice} error={error} testId="staff-notice" />
      {rePinning && (
        <RePinForm
          member={rePinning}
          onDone={(message) => {
            setRePinning(undefined);
            void load().then(() => setNotice(message));
          }}
          onCancel={() => setRePinning(undefined)}
        />
      )}
      <table data-testid="staff-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Role</th>
            <th>Status</th>
            {canEdit && <th />}
          </tr>
        </thead>
        <tbody>
          {staff.map((m) => (
            <tr key={m.staffId} data-testid="staff-row" data-name={m.displayName}>
              <td>{m.displayName}</td>
              <td>{ROLE_TITLES[m.role]}</td>
              <td data-testid="staff-status">{m.isActive ? 'Can sign in' : 'Disabled'}</td>
              {canEdit && (
                <td>
                  <button type="button" onClick={() => setRePinning(m)} data-testid="staff-repin">
                    New PIN
                  </button>{' '}
                  <button
                    type="button"
                    onClick={() => setActive(m, !m.isActive)}
                    data-testid="staff-toggle"
                  >
                    {m.isActive ? 'Disable' : 'Enable'}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {canEdit && (
        <NewStaffForm
          storeId={store.storeId}
          onCreated={(m) => {
            void load().then(() =>
              setNotice(`${m.displayName} can sign in at ${store.storeName} with their PIN`),
            );
          }}
        />
      )}
    </section>
  );
}

function NewStaffForm({
  storeId,
  onCreated,
}: {
  storeId: string;
  onCreated: (m: ConsoleStaff) => void;
}) {
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<StaffRole>('cashier');
  const [pin, setPin] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = CreateStaff.safeParse({ storeId, displayName, role, pin });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    setErrors({});
    api(ConsoleStaff, '/staff', { method: 'POST', body: parsed.data })
      .then((created) => {
        setDisplayName('');
        setPin('');
        onCreated(created);
      })
      .catch((e: unknown) => setErrors({ form: messageOf(e) }));
  };
  return (
    <form className="inline-form" onSubmit={submit} noValidate data-testid="staff-form">
      <TextField
        label="New staff member"
        value={displayName}
        placeholder="Name"
        onChange={setDisplayName}
        error={errors.displayName}
        testId="staff-name"
      />
      <label>
        Role
        <select
          value={role}
          onChange={(e) => setRole(e.target.value as StaffRole)}
          data-testid="staff-role"
        >
          <option value="cashier">Cashier</option>
          <option value="manager">Manager</option>
        </select>
      </label>
      <TextField
        label="PIN"
        type="password"
        inputMode="numeric"
        autoComplete="new-password"
        value={pin}
        onChange={setPin}
        error={errors.pin}
        testId="staff-pin"
      />
      <button type="submit" data-testid="staff-create">
        Add
      </button>
      {errors.form && <p className="error">{errors.form}</p>}
    </form>
  );
}

function RePinForm({
  member,
  onDone,
  onCancel,
}: {
  member: ConsoleStaff;
  onDone: (message: string) => void;
  onCancel: () => void;
}) {
  const [pin, setPin] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = StaffRePin.safeParse({ pin });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    setErrors({});
    api(ConsoleStaff, `/stores/${member.storeId}/staff/${member.staffId}/pin`, {
      method: 'POST',
      body: parsed.data,
    })
      .then(() => onDone(`${member.displayName} signs in with the new PIN from now on`))
      .catch((e: unknown) => setErrors({ form: messageOf(e) }));
  };
  return (
    <form className="card" onSubmit={submit} noValidate data-testid="repin-form">
      <TextField
        label={`New PIN for ${member.displayName}`}
        type="password"
        inputMode="numeric"
        autoComplete="new-password"
        value={pin}
        onChange={setPin}
        error={errors.pin}
        testId="repin-input"
      />
      <button type="submit" data-testid="repin-save">
        Save
      </button>{' '}
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      {errors.form && <p className="error">{errors.form}</p>}
    </form>
  );
}

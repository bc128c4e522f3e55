/** Users & audit (administrators): console users, new users, disabling, and the audit log. */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { z } from 'zod';
import {
  AuditEntry,
  ConsoleRole,
  ConsoleUser,
  ConsoleUserCreate,
} from '../../../contract/console-protocol';
import { api, ApiError } from '../api';
import { fieldErrors, type FieldErrors } from '../forms';
import { ROLE_NAMES, type Store } from '../model';
import { FieldError, TextField } from '../components/TextField';

const UserList = z.object({ users: z.array(ConsoleUser) });
const AuditList = z.object({ entries: z.array(AuditEntry) });

export function AdminScreen({ stores }: { stores: Store[] }) {
  const [users, setUsers] = useState<ConsoleUser[]>([]);
  const [audit, setAudit] = useState<AuditEntry[]>([]);
  const [error, setError] = useState('');
  const load = useCallback(() => {
    Promise.all([api(UserList, '/users'), api(AuditList, '/audit', { query: { limit: '100' } })])
      .then(([u, a]) => {
        setUsers(u.users);
        setAudit(a.entries);
      })
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
  }, []);
  useEffect(load, [load]);

  const setDisabled = (u: ConsoleUser, disabled: boolean) =>
    api(ConsoleUser, `/users/${u.userId}/disabled`, { method: 'POST', body: { disabled } })
      .then(load)
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));

  return (
    <section>
      <h2>Users</h2>
      {error && <p className="error">{error}</p>}
      <table data-testid="user-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Email</th>
            <th>Role</th>
            <th>Stores</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.userId}>
              <td>{u.displayName}</td>
              <td>{u.email}</td>
              <td>{ROLE_NAMES[u.role]}</td>
              <td>{u.role === 'manager' ? u.storeIds.join(', ') : 'All'}</td>
              <td>
                <button type="button" onClick={() => void setDisabled(u, !u.disabled)}>
                  {u.disabled ? 'Enable' : 'Disable'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <NewUserForm stores={stores} onCreated={load} />
      <h2>Audit log</h2>
      <table data-testid="audit-table">
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>What</th>
            <th>Store</th>
            <th>Item</th>
            <th>Before</th>
            <th>After</th>
          </tr>
        </thead>
        <tbody>
          {audit.map((a) => (
            <tr key={a.auditId} data-testid="audit-row" data-action={a.action}>
              <td>{new Date(a.at).toLocaleString()}</td>
              <td>{a.userEmail}</td>
              <td>{a.action}</td>
              <td>{a.storeId ?? ''}</td>
              <td>{a.target ?? ''}</td>
              <td className="json">{a.before === null ? '' : JSON.stringify(a.before)}</td>
              <td className="json">{a.after === null ? '' : JSON.stringify(a.after)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function NewUserForm({ stores, onCreated }: { stores: Store[]; onCreated: () => void }) {
  const [form, setForm] = useState({ email: '', displayName: '', role: 'analyst', password: '' });
  const [storeIds, setStoreIds] = useState<string[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = ConsoleUserCreate.safeParse({
      ...form,
      storeIds: form.role === 'manager' ? storeIds : [],
    });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    setErrors({});
    api(ConsoleUser, '/users', { method: 'POST', body: parsed.data })
      .then(() => {
        setForm({ email: '', displayName: '', role: 'analyst', password: '' });
        onCreated();
      })
      .catch((e: unknown) => setErrors({ form: e instanceof ApiError ? e.message : String(e) }));
  };
  return (
    <form className="card" onSubmit={submit} noValidate data-testid="user-form">
      <h3>New user</h3>
      <TextField
        label="Email"
        type="email"
        value={form.email}
        onChange={(email) => setForm({ ...form, email })}
        error={errors.email}
      />
      <TextField
        label="Name"
        value={form.displayName}
        onChange={(displayName) => setForm({ ...form, displayName })}
        error={errors.displayName}
      />
      <TextField
        label="Password"
        type="password"
        autoComplete="new-password"
        value={form.password}
        onChange={(password) => setForm({ ...form, password })}
        error={errors.password}
      />
      <label>
        Role
        <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
          {ConsoleRole.options.map((r) => (
            <option key={r} value={r}>
              {ROLE_NAMES[r]}
            </option>
          ))}
        </select>
      </label>
      {form.role === 'manager' && (
        <label>
          Stores they run
          <select
            multiple
            value={storeIds}
            onChange={(e) => setStoreIds([...e.target.selectedOptions].map((o) => o.value))}
          >
            {stores.map((s) => (
              <option key={s.storeId} value={s.storeId}>
                {s.storeName}
              </option>
            ))}
          </select>
          <FieldError error={errors.storeIds} />
        </label>
      )}
      {errors.form && <p className="error">{errors.form}</p>}
      <button type="submit">Add user</button>
    </form>
  );
}

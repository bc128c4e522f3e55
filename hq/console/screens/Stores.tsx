/**
 * Stores & devices: a store's registers with the till serving each, new registers and their
 * enrollment codes; a till can be revoked here (a replacement is enrolled with a new code).
 * Every till's sync health, chain-wide, is on Tills & sync (Devices.tsx).
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { z } from 'zod';
import { EnrollmentCodeCreated, type DeviceSyncState } from '../../../contract/admin-protocol';
import { ConsoleDeviceList } from '../../../contract/console-devices';
import { CreateRegister, type ConsoleUser } from '../../../contract/console-protocol';
import { api, ApiError } from '../api';
import { ago, fieldErrors, type FieldErrors } from '../forms';
import type { Store } from '../model';
import { TextField } from '../components/TextField';

const Register = z.object({
  storeId: z.string(),
  registerId: z.string(),
  registerName: z.string(),
  isActive: z.boolean(),
});
const RegisterList = z.object({ registers: z.array(Register) });

export function StoresScreen({ stores, user }: { stores: Store[]; user: ConsoleUser }) {
  const [storeId, setStoreId] = useState('');
  const [registers, setRegisters] = useState<Array<z.infer<typeof Register>>>([]);
  const [devices, setDevices] = useState<DeviceSyncState[]>([]);
  const [now, setNow] = useState(() => Date.now());
  const [code, setCode] = useState<EnrollmentCodeCreated | undefined>();
  const [error, setError] = useState('');
  const store = stores.find((s) => s.storeId === storeId) ?? stores[0];
  const canEdit = user.role !== 'analyst';

  // Only the answer to the latest request is shown (switching stores quickly must not leave
  // an earlier store's answer on screen).
  const latest = useRef(0);
  const load = useCallback(() => {
    if (!store) return;
    const request = ++latest.current;
    Promise.all([
      api(RegisterList, `/stores/${store.storeId}/registers`),
      api(ConsoleDeviceList, '/devices', { query: { storeId: store.storeId } }),
    ])
      .then(([r, d]) => {
        if (request !== latest.current) return;
        setRegisters(r.registers);
        setDevices(d.devices);
        setNow(Date.parse(d.now));
        setError('');
      })
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
  }, [store]);
  useEffect(load, [load]);

  const enroll = (registerId: string) => {
    if (!store) return;
    api(EnrollmentCodeCreated, `/stores/${store.storeId}/registers/${registerId}/enrollment-code`, {
      method: 'POST',
    })
      .then(setCode)
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
  };
  const revoke = (d: DeviceSyncState) => {
    const reason = window.prompt(
      `Why is the till of register ${d.registerId} being revoked?`,
      'replaced',
    );
    if (!reason) return;
    api(z.unknown(), `/stores/${d.storeId}/devices/${d.deviceId}/revoke`, {
      method: 'POST',
      body: { reason },
    })
      .then(load)
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
  };

  if (!store) return <p>No stores to show.</p>;
  const live = devices.filter((d) => !d.revokedAt && !d.supersededBy);
  return (
    <section>
      <h2>Stores & devices</h2>
      <label>
        Store
        <select
          value={store.storeId}
          onChange={(e) => setStoreId(e.target.value)}
          data-testid="stores-store"
        >
          {stores.map((s) => (
            <option key={s.storeId} value={s.storeId}>
              {s.storeName}
            </option>
          ))}
        </select>
      </label>
      {error && <p className="error">{error}</p>}
      <h3>Registers</h3>
      <table data-testid="register-table">
        <thead>
          <tr>
            <th>Register</th>
            <th>Name</th>
            <th>Till</th>
            {canEdit && <th />}
          </tr>
        </thead>
        <tbody>
          {registers.map((r) => {
            const till = live.find((d) => d.registerId === r.registerId);
            return (
              <tr key={r.registerId} data-testid="register-row" data-register={r.registerId}>
                <td>{r.registerId}</td>
                <td>{r.registerName}</td>
                <td data-testid="register-till">
                  {till
                    ? `${till.label ?? 'Till'} · seen ${ago(till.lastSeenAt, now)}`
                    : 'No till enrolled'}
                </td>
                {canEdit && (
                  <td>
                    <button
                      type="button"
                      onClick={() => enroll(r.registerId)}
                      data-testid="enroll-register"
                    >
                      {till ? 'Enroll a replacement' : 'Enroll a till'}
                    </button>{' '}
                    {till && (
                      <button type="button" onClick={() => revoke(till)} data-testid="revoke-till">
                        Revoke the till
                      </button>
                    )}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      {code && (
        <p className="card" data-testid="enrollment-code-box">
          Enter this code on the till for register {code.registerId} before{' '}
          {new Date(code.expiresAt).toLocaleTimeString()}:{' '}
          <code data-testid="enrollment-code">{code.code}</code>
        </p>
      )}
      {canEdit && <NewRegisterForm storeId={store.storeId} onCreated={load} />}
      <p className="hint">
        Every till&apos;s sync health: <a href="#/devices">Tills &amp; sync</a>.
      </p>
    </section>
  );
}

function NewRegisterForm({ storeId, onCreated }: { storeId: string; onCreated: () => void }) {
  const [registerId, setRegisterId] = useState('');
  const [registerName, setRegisterName] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = CreateRegister.safeParse({ storeId, registerId, registerName });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    setErrors({});
    api(Register, '/registers', { method: 'POST', body: parsed.data })
      .then(() => {
        setRegisterId('');
        setRegisterName('');
        onCreated();
      })
      .catch((e: unknown) => setErrors({ form: e instanceof ApiError ? e.message : String(e) }));
  };
  return (
    <form className="inline-form" onSubmit={submit} noValidate data-testid="register-form">
      <TextField
        label="New register"
        value={registerId}
        placeholder="R03"
        onChange={setRegisterId}
        error={errors.registerId}
        testId="register-id"
      />
      <TextField
        label="Name"
        value={registerName}
        onChange={setRegisterName}
        error={errors.registerName}
        testId="register-name"
      />
      <button type="submit" data-testid="register-create">
        Add register
      </button>
      {errors.form && <p className="error">{errors.form}</p>}
    </form>
  );
}

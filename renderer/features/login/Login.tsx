/**
 * Staff login: the person first, then their PIN, so a wrong PIN locks only that person (the
 * lockout is kept in the till database). Keyboard first: arrows or the first letter of a name
 * move through the list, Enter chooses, Esc goes back; an empty PIN is not an attempt. A locked
 * person can be unlocked here with a manager's PIN.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { StaffListEntry } from '../../../contract/till-api/session';
import { useCall } from '../../shell/call';
import { useNotice, useSession } from '../../shell/context';
import { useKeyLayer } from '../../shell/keys';
import { TextField } from '../../shell/ui';
import { ApproverField } from '../../shell/approver';

export function Login() {
  const { api, info, refresh } = useSession();
  const call = useCall();
  const { notify } = useNotice();
  const [people, setPeople] = useState<StaffListEntry[] | null>(null);
  const [chosenId, setChosenId] = useState<string | null>(null);
  const [pin, setPin] = useState('');
  const [managerId, setManagerId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const listRef = useRef<HTMLUListElement>(null);
  const chosen = people?.find((p) => p.staffId === chosenId) ?? null;
  const managers = people?.filter((p) => p.role === 'manager') ?? [];
  // With several managers the list shows the first until another is chosen.
  const approver = managerId ?? (managers.length > 1 ? (managers[0]?.staffId ?? null) : null);

  const load = useCallback(
    (): Promise<void> =>
      call(api.staffList(), { quiet: true }).then((result) => {
        if (result.ok) setPeople(result.data);
        else setError(result.error.message);
      }),
    [api, call],
  );

  useEffect(() => {
    let live = true;
    void call(api.staffList(), { quiet: true }).then((result) => {
      if (!live) return;
      if (result.ok) setPeople(result.data);
      else setError(result.error.message);
    });
    return () => {
      live = false;
    };
  }, [api, call]);

  const back = (): void => {
    const was = chosenId;
    setChosenId(null);
    setPin('');
    setError(null);
    void load().then(() =>
      requestAnimationFrame(() =>
        listRef.current
          ?.querySelector<HTMLButtonElement>(`[data-staff-id="${was ?? ''}"]`)
          ?.focus(),
      ),
    );
  };

  // Esc is handled on the form itself: the shell's layer (F11 Sync) may sit above this screen's.
  useKeyLayer({
    actions: [],
    onScan: () => notify('error', 'Log in with your PIN before scanning items'),
  });

  // The list gets the focus when it appears, on the first person.
  useEffect(() => {
    if (!chosenId && people && people.length > 0)
      listRef.current?.querySelector<HTMLButtonElement>('button')?.focus();
  }, [chosenId, people]);

  const choose = (person: StaffListEntry): void => {
    setChosenId(person.staffId);
    setPin('');
    setError(null);
  };

  const onListKey = (e: React.KeyboardEvent<HTMLUListElement>): void => {
    const buttons = [...(listRef.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
    const at = buttons.findIndex((b) => b === document.activeElement);
    let next: number | null = null;
    if (e.key === 'ArrowDown') next = (at + 1) % buttons.length;
    else if (e.key === 'ArrowUp') next = (at - 1 + buttons.length) % buttons.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = buttons.length - 1;
    else if (/^[a-z]$/i.test(e.key) && !e.ctrlKey && !e.altKey && !e.metaKey) {
      // The next name starting with that letter, after the current one (so repeating cycles).
      const letter = e.key.toLowerCase();
      for (let step = 1; step <= buttons.length; step++) {
        const i = (at + step) % buttons.length;
        if (buttons[i]?.dataset.staffName?.toLowerCase().startsWith(letter)) {
          next = i;
          break;
        }
      }
    }
    if (next !== null) {
      e.preventDefault();
      buttons[next]?.focus();
    }
  };

  const submit = async (): Promise<void> => {
    if (busy || !chosen) return;
    if (chosen.lockedUntil) {
      if (pin === '') {
        setError('Type a manager PIN to unlock');
        return;
      }
      setBusy(true);
      const result = await call(
        api.unlockStaff({
          staffId: chosen.staffId,
          managerPin: pin,
          ...(approver ? { managerId: approver } : {}),
        }),
        { quiet: true },
      );
      setBusy(false);
      setPin('');
      if (result.ok) {
        notify('success', `${chosen.displayName} is unlocked`);
        setError(null);
        await load();
      } else {
        setError(result.error.message);
        notify('error', result.error.message);
      }
      return;
    }
    if (pin === '') {
      // Not an attempt: nothing is sent, nothing counts.
      setError('Type your PIN');
      return;
    }
    setBusy(true);
    const result = await call(api.login({ staffId: chosen.staffId, pin }), { quiet: true });
    setBusy(false);
    setPin('');
    if (result.ok) {
      notify('success', `Welcome, ${result.data.displayName}`);
      await refresh();
    } else {
      setError(result.error.message);
      notify('error', result.error.message);
      await load(); // that attempt may have locked them
    }
  };

  const storeLine = `Register ${info.store?.registerId ?? ''}.`;
  return (
    <section className="screen login" aria-labelledby="login-title">
      <h1 id="login-title">{info.store?.storeName ?? 'Edge POS'}</h1>
      {!chosen ? (
        <>
          <p className="lead">
            {storeLine} Who are you? Arrows or the first letter of your name, then Enter.
          </p>
          {people === null ? <p>Loading staff…</p> : null}
          {people?.length === 0 ? (
            <p className="error-text">No staff for this store yet: ask HQ to add staff.</p>
          ) : null}
          <ul className="staff-list" ref={listRef} onKeyDown={onListKey} aria-label="Staff">
            {people?.map((p) => (
              <li key={p.staffId}>
                <button
                  type="button"
                  data-testid="login-person"
                  data-staff-id={p.staffId}
                  data-staff-name={p.displayName}
                  onClick={() => choose(p)}
                >
                  {p.displayName}
                  <span className="muted">
                    {' '}
                    {p.role === 'manager' ? 'Manager' : 'Cashier'}
                    {p.lockedUntil ? ' · locked' : ''}
                  </span>
                </button>
              </li>
            ))}
          </ul>
          {error ? (
            <p className="error-text" role="alert">
              {error}
            </p>
          ) : null}
        </>
      ) : (
        <form
          key={`${chosen.staffId}-${chosen.lockedUntil ? 'locked' : 'pin'}`}
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
          onKeyDown={(e) => {
            if (e.key !== 'Escape') return;
            e.preventDefault();
            back();
          }}
        >
          <p className="lead" data-testid="login-chosen">
            {chosen.lockedUntil
              ? `${chosen.displayName} is locked after too many wrong PINs. A manager can unlock now. Esc: someone else.`
              : `${chosen.displayName}: type your PIN and press Enter. Esc: someone else.`}
          </p>
          {chosen.lockedUntil ? (
            <ApproverField managers={managers} value={managerId} onChange={setManagerId} />
          ) : null}
          <TextField
            label={chosen.lockedUntil ? 'Manager PIN' : 'PIN'}
            name="pin"
            type="password"
            inputMode="numeric"
            autoComplete="off"
            maxLength={8}
            autoFocus
            autoFocusField
            value={pin}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'login-error' : undefined}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
          />
          {error ? (
            <p id="login-error" className="error-text" role="alert">
              {error}
            </p>
          ) : null}
          <button type="submit" className="primary" disabled={busy}>
            {chosen.lockedUntil ? 'Unlock (Enter)' : 'Log in (Enter)'}
          </button>
        </form>
      )}
    </section>
  );
}

/** Staff PIN login. Wrong PINs count towards a lockout kept in the till database. */
import { useState } from 'react';
import { useCall } from '../../shell/call';
import { useNotice, useSession } from '../../shell/context';
import { useKeyLayer } from '../../shell/keys';
import { TextField } from '../../shell/ui';

export function Login() {
  const { api, info, refresh } = useSession();
  const call = useCall();
  const { notify } = useNotice();
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useKeyLayer({
    actions: [],
    onScan: () => notify('error', 'Log in with your PIN before scanning items'),
  });

  const submit = async (): Promise<void> => {
    if (busy) return;
    setBusy(true);
    const result = await call(api.login({ pin }), { quiet: true });
    setBusy(false);
    setPin('');
    if (result.ok) {
      notify('success', `Welcome, ${result.data.displayName}`);
      await refresh();
    } else {
      setError(result.error.message);
      notify('error', result.error.message);
    }
  };

  return (
    <section className="screen login" aria-labelledby="login-title">
      <h1 id="login-title">{info.store?.storeName ?? 'Edge POS'}</h1>
      <p className="lead">Register {info.store?.registerId}. Type your PIN and press Enter.</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <TextField
          label="PIN"
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
          Log in (Enter)
        </button>
      </form>
    </section>
  );
}

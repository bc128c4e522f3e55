import { useState, type FormEvent } from 'react';
import { ConsoleSession, SignIn } from '../../../contract/console-protocol';
import { api, ApiError } from '../api';
import { fieldErrors, type FieldErrors } from '../forms';
import { TextField } from '../components/TextField';

export function SignInScreen({ onSignedIn }: { onSignedIn: (s: ConsoleSession) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = SignIn.safeParse({ email, password });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    setErrors({});
    setBusy(true);
    api(ConsoleSession, '/sign-in', { method: 'POST', body: parsed.data })
      .then(onSignedIn)
      .catch((e: unknown) => setErrors({ form: e instanceof ApiError ? e.message : String(e) }))
      .finally(() => setBusy(false));
  };

  return (
    <form className="sign-in card" onSubmit={submit} noValidate data-testid="sign-in">
      <h1>Edge POS HQ</h1>
      <TextField
        label="Email"
        type="email"
        autoComplete="username"
        value={email}
        onChange={setEmail}
        error={errors.email}
        testId="sign-in-email"
      />
      <TextField
        label="Password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={setPassword}
        error={errors.password}
        testId="sign-in-password"
      />
      {errors.form && (
        <p className="error" role="alert" data-testid="sign-in-error">
          {errors.form}
        </p>
      )}
      <button type="submit" disabled={busy} data-testid="sign-in-submit">
        Sign in
      </button>
    </form>
  );
}

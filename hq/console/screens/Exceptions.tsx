/**
 * Exceptions: the queue of what HQ found wrong around the facts the tills sent (issue 11's
 * model), newest first, for the stores the user sees; filtered by store, status and kind. Each
 * row says what happened and what to do, in plain words; an administrator or the store's
 * manager resolves it by saying what was done (recorded with their name, in the audit log too).
 * Below it, the reconciliation of a day (Reconciliation.tsx).
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import {
  ExceptionList,
  ExceptionView,
  type ExceptionStatus,
} from '../../../contract/admin-protocol';
import {
  ConsoleResolveException,
  EXCEPTION_KIND_TITLES,
} from '../../../contract/console-exceptions';
import type { ConsoleUser } from '../../../contract/console-protocol';
import type { ExceptionKind } from '../../../contract/exceptions';
import { api, ApiError } from '../api';
import { fieldErrors, type FieldErrors } from '../forms';
import type { Store } from '../model';
import { ReconciliationPanel } from './Reconciliation';
import { TextField } from '../components/TextField';
import { ScreenMessages } from '../components/ScreenMessages';

const messageOf = (e: unknown): string => (e instanceof ApiError ? e.message : String(e));
const when = (iso: string): string => new Date(iso).toLocaleString();
const KINDS = Object.keys(EXCEPTION_KIND_TITLES) as ExceptionKind[];

export function ExceptionsScreen({ stores, user }: { stores: Store[]; user: ConsoleUser }) {
  const [storeId, setStoreId] = useState('');
  const [status, setStatus] = useState<ExceptionStatus | ''>('open');
  const [kind, setKind] = useState<ExceptionKind | ''>('');
  const [exceptions, setExceptions] = useState<ExceptionView[]>([]);
  const [resolving, setResolving] = useState<ExceptionView | undefined>();
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  const canEdit = user.role !== 'analyst';
  const storeName = (id: string) => stores.find((s) => s.storeId === id)?.storeName ?? id;

  // Only the answer to the latest request is shown (filters can change faster than HQ answers).
  const latest = useRef(0);
  const load = useCallback((): Promise<void> => {
    const request = ++latest.current;
    const query: Record<string, string> = {};
    if (storeId) query.storeId = storeId;
    if (status) query.status = status;
    if (kind) query.kind = kind;
    return api(ExceptionList, '/exceptions', { query })
      .then((r) => {
        if (request !== latest.current) return;
        setExceptions(r.exceptions);
        setError('');
      })
      .catch((e: unknown) => setError(messageOf(e)));
  }, [storeId, status, kind]);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section>
      <h2>Exceptions</h2>
      <div className="filters">
        <label>
          Store
          <select
            value={storeId}
            onChange={(e) => setStoreId(e.target.value)}
            data-testid="exceptions-store"
          >
            <option value="">All stores</option>
            {stores.map((s) => (
              <option key={s.storeId} value={s.storeId}>
                {s.storeName}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select
            value={status}
            onChange={(e) => setStatus(e.target.value as ExceptionStatus | '')}
            data-testid="exceptions-status"
          >
            <option value="open">Open</option>
            <option value="resolved">Resolved</option>
            <option value="">Open and resolved</option>
          </select>
        </label>
        <label>
          Kind
          <select
            value={kind}
            onChange={(e) => setKind(e.target.value as ExceptionKind | '')}
            data-testid="exceptions-kind"
          >
            <option value="">Every kind</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {EXCEPTION_KIND_TITLES[k]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ScreenMessages notice={notice} error={error} testId="exceptions-notice" />
      {resolving && (
        <ResolveForm
          exception={resolving}
          storeName={storeName(resolving.storeId)}
          onDone={(message) => {
            setResolving(undefined);
            void load().then(() => setNotice(message));
          }}
          onCancel={() => setResolving(undefined)}
        />
      )}
      {exceptions.length === 0 ? (
        <p className="hint" data-testid="exceptions-empty">
          Nothing here{status === 'open' ? ': no sale needs attention' : ''}.
        </p>
      ) : (
        <table data-testid="exceptions-table">
          <thead>
            <tr>
              <th>When</th>
              <th>Store</th>
              <th>What</th>
              <th>What happened</th>
              <th>What to do</th>
              <th>Status</th>
              {canEdit && <th />}
            </tr>
          </thead>
          <tbody>
            {exceptions.map((x) => (
              <tr
                key={x.exceptionId}
                data-testid="exception-row"
                data-exception={x.exceptionId}
                data-kind={x.kind}
              >
                <td>{when(x.createdAt)}</td>
                <td>{storeName(x.storeId)}</td>
                <td>{EXCEPTION_KIND_TITLES[x.kind]}</td>
                <td>{x.reason}</td>
                <td className="hint">{x.todo}</td>
                <td data-testid="exception-status">
                  {x.status === 'open'
                    ? 'Open'
                    : `Resolved by ${x.resolvedBy ?? '?'}${x.resolvedAt ? ` on ${when(x.resolvedAt)}` : ''}: ${x.resolution ?? ''}`}
                </td>
                {canEdit && (
                  <td>
                    {x.status === 'open' && (
                      <button
                        type="button"
                        onClick={() => {
                          setNotice('');
                          setResolving(x);
                        }}
                        data-testid="exception-resolve"
                      >
                        Resolve
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ReconciliationPanel stores={stores} canRun={canEdit} onReconciled={() => void load()} />
    </section>
  );
}

function ResolveForm(props: {
  exception: ExceptionView;
  storeName: string;
  onDone: (message: string) => void;
  onCancel: () => void;
}) {
  const { exception } = props;
  const [resolution, setResolution] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = ConsoleResolveException.safeParse({ resolution });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    setErrors({});
    api(ExceptionView, `/stores/${exception.storeId}/exceptions/${exception.exceptionId}/resolve`, {
      method: 'POST',
      body: parsed.data,
    })
      .then(() =>
        props.onDone(`Resolved: ${EXCEPTION_KIND_TITLES[exception.kind]} (${props.storeName})`),
      )
      .catch((e: unknown) => setErrors({ form: messageOf(e) }));
  };
  return (
    <form className="card" onSubmit={submit} noValidate data-testid="resolve-form">
      <p>
        <strong>{EXCEPTION_KIND_TITLES[exception.kind]}</strong> at {props.storeName}:{' '}
        {exception.reason}
      </p>
      <p className="hint">{exception.todo}</p>
      <TextField
        className="wide"
        label="What was done"
        rows={3}
        value={resolution}
        onChange={setResolution}
        error={errors.resolution}
        testId="resolve-input"
      />
      <button type="submit" data-testid="resolve-save">
        Resolve
      </button>{' '}
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
      {errors.form && <p className="error">{errors.form}</p>}
    </form>
  );
}

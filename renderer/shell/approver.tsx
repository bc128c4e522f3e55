/**
 * Naming the approving manager before their PIN: a wrong PIN then counts against that manager
 * only. With one manager in the store there is nothing to choose (the till takes that one);
 * with several, a list (arrows or the first letter, keyboard first) defaulting to the first.
 */
import { useEffect, useId, useState } from 'react';
import type { StaffListEntry } from '../../contract/till-api/session';
import { useCall } from './call';
import { useApi } from './context';

export function ApproverField(props: {
  managers: readonly StaffListEntry[];
  value: string | null;
  onChange: (managerId: string | null) => void;
}) {
  const id = useId();
  const { managers, value, onChange } = props;
  if (managers.length === 0)
    return <p className="error-text">This store has no manager at this till yet.</p>;
  if (managers.length === 1)
    return <p data-testid="approver">Approving manager: {managers[0]?.displayName}</p>;
  return (
    <label className="field" htmlFor={id}>
      <span>Approving manager</span>
      <select
        id={id}
        data-testid="approver"
        value={value ?? managers[0]?.staffId ?? ''}
        onChange={(e) => onChange(e.target.value)}
      >
        {managers.map((m) => (
          <option key={m.staffId} value={m.staffId}>
            {m.displayName}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * The store's managers and the one named for an approval, for a prompt that asks for a manager
 * PIN: render `field` before the PIN and spread `input` into the API call.
 */
export function useApprover() {
  const api = useApi();
  const call = useCall();
  const [managers, setManagers] = useState<StaffListEntry[]>([]);
  const [managerId, setManagerId] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void call(api.staffList(), { quiet: true }).then((r) => {
      if (live && r.ok) setManagers(r.data.filter((s) => s.role === 'manager'));
    });
    return () => {
      live = false;
    };
  }, [api, call]);
  const named = managerId ?? managers[0]?.staffId ?? null;
  return {
    field: <ApproverField managers={managers} value={managerId} onChange={setManagerId} />,
    /** `{ managerId }` once the managers are known, else nothing: the till takes its only one. */
    input: named ? { managerId: named } : {},
    managerId: named,
  };
}

/** Small shared building blocks: dialog, text field with a paste guard, money, key bar. */
import { useEffect, useId, useRef, type InputHTMLAttributes, type ReactNode } from 'react';
import { formatMoney } from './amounts';
import { useNotice } from './context';
import { useKeyLayer, useTopActions, type KeyAction } from './keys';

export function Money({
  cents,
  currency,
  className,
}: {
  cents: number;
  currency?: string;
  className?: string;
}) {
  return (
    <span className={['money', className].filter(Boolean).join(' ')}>
      {formatMoney(cents, currency)}
    </span>
  );
}

const FOCUSABLE =
  'input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog: traps Tab inside, focuses its first field, registers its own key layer (so
 * the function keys of the screen below are inactive while it is open) and closes on Esc.
 */
export function Modal(props: {
  title: string;
  onClose: () => void;
  actions?: KeyAction[];
  onScan?: (code: string) => void;
  children: ReactNode;
  wide?: boolean;
  testId?: string;
}) {
  const { title, onClose, actions = [], onScan, children, wide, testId } = props;
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  useKeyLayer({
    actions: [...actions, { key: 'Escape', label: 'Close', run: onClose }],
    onScan,
  });

  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const first =
      root.querySelector<HTMLElement>('[data-autofocus]') ??
      root.querySelector<HTMLElement>(FOCUSABLE);
    (first ?? root).focus();
    return () => {
      if (previous?.isConnected) previous.focus();
    };
  }, []);

  const onKeyDown = (e: React.KeyboardEvent): void => {
    if (e.key !== 'Tab' || !ref.current) return;
    const items = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    if (items.length === 0) return;
    const first = items[0];
    const last = items[items.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last?.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first?.focus();
    }
  };

  return (
    <div className="modal-backdrop">
      <div
        ref={ref}
        className={wide ? 'modal modal-wide' : 'modal'}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        onKeyDown={onKeyDown}
        data-testid={testId}
      >
        <h2 id={titleId}>{title}</h2>
        {children}
      </div>
    </div>
  );
}

/**
 * A text field that refuses oversized pastes with a clear message instead of silently cutting
 * them (a 5,000-character paste into the search box must not reach the database).
 */
export function TextField(
  props: InputHTMLAttributes<HTMLInputElement> & {
    label: string;
    maxLength: number;
    autoFocusField?: boolean;
    hint?: string | undefined;
  },
) {
  const { label, maxLength, autoFocusField, hint, id, ...rest } = props;
  const { notify } = useNotice();
  const generated = useId();
  const fieldId = id ?? generated;
  return (
    <label className="field" htmlFor={fieldId}>
      <span className="field-label">{label}</span>
      <input
        {...rest}
        id={fieldId}
        maxLength={maxLength}
        data-autofocus={autoFocusField ? '' : undefined}
        onPaste={(e) => {
          const text = e.clipboardData.getData('text');
          if (text.length > maxLength) {
            e.preventDefault();
            notify(
              'error',
              `The pasted text is too long (${text.length.toLocaleString('en-US')} characters); ${label.toLowerCase()} takes at most ${maxLength}. Nothing was changed.`,
            );
          }
          rest.onPaste?.(e);
        }}
      />
      {hint ? <span className="field-hint">{hint}</span> : null}
    </label>
  );
}

/** The function keys active right now, on screen (and clickable). */
export function KeyBar() {
  const actions = useTopActions().filter((a) => a.show !== false);
  return (
    <nav className="keybar" aria-label="Keyboard shortcuts">
      {actions.map((a) => (
        <button
          key={a.key}
          type="button"
          className="keycap"
          disabled={a.disabled}
          onClick={a.run}
          tabIndex={-1}
        >
          <kbd>{a.key === 'Escape' ? 'Esc' : a.key}</kbd>
          <span>{a.label}</span>
        </button>
      ))}
    </nav>
  );
}

export function NoticeLine() {
  const { notice } = useNotice();
  return (
    <div className="notice-slot" aria-live="assertive" role="status">
      {notice ? (
        <div
          key={notice.id}
          className={`notice notice-${notice.kind}`}
          role={notice.kind === 'error' ? 'alert' : undefined}
          data-testid="notice"
        >
          {notice.text}
        </div>
      ) : null}
    </div>
  );
}

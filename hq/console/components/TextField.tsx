/**
 * One form field of the console: its label, the input (or a textarea) and, next to it, the
 * error in plain words from the contract's schema (forms.ts fieldErrors). The error is tied to
 * the input for screen readers (aria-invalid, aria-describedby). Every text field of the
 * console's forms is one of these; choices (selects, checkboxes) use FieldError beside them.
 */
import { useId, type HTMLAttributes, type ReactNode } from 'react';

export interface TextFieldProps {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  /** The field's error in plain words; nothing is shown when it is empty or undefined. */
  error?: string | undefined;
  testId?: string | undefined;
  type?: 'text' | 'email' | 'password' | 'date' | 'datetime-local' | undefined;
  placeholder?: string | undefined;
  autoComplete?: string | undefined;
  inputMode?: HTMLAttributes<HTMLInputElement>['inputMode'] | undefined;
  /** A textarea of this many rows instead of a one-line input. */
  rows?: number | undefined;
  className?: string | undefined;
}

export function TextField(props: TextFieldProps) {
  const errorId = useId();
  const common = {
    value: props.value,
    placeholder: props.placeholder,
    'aria-invalid': props.error ? true : undefined,
    'aria-describedby': props.error ? errorId : undefined,
    'data-testid': props.testId,
  };
  return (
    <label className={props.className}>
      {props.label}
      {props.rows ? (
        <textarea {...common} rows={props.rows} onChange={(e) => props.onChange(e.target.value)} />
      ) : (
        <input
          {...common}
          type={props.type ?? 'text'}
          autoComplete={props.autoComplete}
          inputMode={props.inputMode}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
      <FieldError id={errorId} error={props.error} />
    </label>
  );
}

/** A field's error in plain words, next to a field that is not a TextField (a select...). */
export function FieldError(props: { error?: string | undefined; id?: string | undefined }) {
  if (!props.error) return null;
  return (
    <span className="field-error" id={props.id}>
      {props.error}
    </span>
  );
}

import { createContext, useCallback, useContext, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { ApiError, humaneFieldMessage } from './api';
import type { PagedList } from './queries';

/** One polite and one assertive live region for the whole app, so announcements never pile up. */
const AnnounceContext = createContext<(message: string, urgent?: boolean) => void>(() => undefined);

export function AnnouncerProvider({ children }: { children: ReactNode }) {
  const [polite, setPolite] = useState('');
  const [assertive, setAssertive] = useState('');
  const announce = useCallback((message: string, urgent = false) => {
    const set = urgent ? setAssertive : setPolite;
    // Clearing first makes screen readers read a repeated message again.
    set('');
    window.setTimeout(() => set(message), 50);
  }, []);
  return (
    <AnnounceContext.Provider value={announce}>
      {children}
      <div className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="announcer">
        {polite}
      </div>
      <div className="visually-hidden" aria-live="assertive" aria-atomic="true">
        {assertive}
      </div>
    </AnnounceContext.Provider>
  );
}
export const useAnnounce = () => useContext(AnnounceContext);

let firstPage = true;

/**
 * The page's main heading. After moving to another page inside the app it takes the focus, so
 * keyboard and screen-reader users start there; on the first page the browser's own order stays
 * (the skip link first).
 */
export function PageTitle({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  const text = typeof children === 'string' ? children : undefined;
  useEffect(() => {
    if (text) document.title = `${text} · Kindred`;
  }, [text]);
  // Only when the page opens: a heading that fills in later must not pull the focus back.
  useEffect(() => {
    if (firstPage) firstPage = false;
    else ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 tabIndex={-1} ref={ref} className="page-title">
      {children}
    </h1>
  );
}

/**
 * An error message in a live region; renders nothing when there is no error. A form that shows
 * field errors by their fields names them in `fields`: each message is then said once, at its
 * field, and the summary only points there.
 */
export function ErrorMessage({ error, fields = [] }: { error: unknown; fields?: string[] }) {
  if (!error) return <div role="alert" className="error-slot" />;
  const problems = error instanceof ApiError ? (error.problem.errors ?? []) : [];
  const elsewhere = problems.filter((f) => !fields.includes(f.field));
  const atFields = problems.length - elsewhere.length;
  let message = error instanceof Error ? error.message : String(error);
  if (problems.length > 0) {
    const pointer = atFields === 0 ? '' : atFields === 1 ? 'Please check the answer marked below.' : `Please check the ${atFields} answers marked below.`;
    message = [pointer, ...(elsewhere.length === 1 ? [humaneFieldMessage(elsewhere[0]!.field, elsewhere[0]!.message)] : [])].filter(Boolean).join(' ');
  }
  return (
    <div role="alert" className="error-slot">
      <div className="message error">
        {message ? <p>{message}</p> : null}
        {elsewhere.length > 1 ? (
          <ul>
            {elsewhere.map((f) => (
              <li key={f.field + f.message}>{humaneFieldMessage(f.field, f.message)}</li>
            ))}
          </ul>
        ) : null}
      </div>
    </div>
  );
}

export function Status({ children }: { children: ReactNode }) {
  return (
    <div role="status" className="message info">
      {children}
    </div>
  );
}

interface FieldProps {
  label: string;
  hint?: string;
  type?: string;
  value: string;
  onChange: (value: string) => void;
  required?: boolean;
  autoComplete?: string;
  multiline?: boolean;
  rows?: number;
  name?: string;
  inputMode?: 'numeric' | 'text' | 'email' | 'tel';
  min?: number;
  max?: number;
  /** What is wrong with the value: shown under the label, announced with the field, and the field is marked invalid. */
  error?: string;
}

/** The message the API gave for one field (a 422's `errors`), if any. */
export function fieldError(error: unknown, field: string): string | undefined {
  const found = error instanceof ApiError ? error.problem.errors?.find((e) => e.field === field) : undefined;
  return found ? humaneFieldMessage(found.field, found.message) : undefined;
}

/** A labelled text field with an optional hint and error, tied together with aria-describedby. */
export function Field({
  label,
  hint,
  type = 'text',
  value,
  onChange,
  required,
  autoComplete,
  multiline,
  rows = 4,
  name,
  inputMode,
  min,
  max,
  error,
}: FieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {required ? null : <span className="optional"> (optional)</span>}
      </label>
      {hint ? (
        <p id={hintId} className="hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
      {multiline ? (
        <textarea
          id={id}
          name={name}
          value={value}
          rows={rows}
          required={required}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
      ) : (
        <input
          id={id}
          name={name}
          type={type}
          value={value}
          required={required}
          autoComplete={autoComplete}
          inputMode={inputMode}
          min={min}
          max={max}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </div>
  );
}

export function Select({
  label,
  value,
  onChange,
  options,
  hint,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: Array<[string, string]>;
  hint?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={hint ? `${id}-hint` : undefined}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p role="status" className="loading">
      {what}…
    </p>
  );
}

/** A live countdown to `dueAt`, in plain words. */
export function Countdown({ dueAt }: { dueAt: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 15_000);
    return () => window.clearInterval(timer);
  }, []);
  const ms = new Date(dueAt).getTime() - now;
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const span = minutes >= 90 ? `${Math.round(minutes / 60)} h` : `${minutes} min`;
  return <span className={ms < 0 ? 'countdown overdue' : 'countdown'}>{ms < 0 ? `overdue by ${span}` : `due in ${span}`}</span>;
}

/** "Show more …" under a paged list, while there is more; nothing otherwise. */
export function MoreButton({ list, what }: { list: PagedList<unknown>; what: string }) {
  if (!list.hasMore) return null;
  return (
    <>
      <ErrorMessage error={list.moreError} />
      <p>
        <button type="button" className="secondary" onClick={list.more} disabled={list.loadingMore}>
          {list.loadingMore ? 'Loading…' : `Show more ${what}`}
        </button>
      </p>
    </>
  );
}

/** What a failed load means to the person: a 404 is "not found", a 403 "you don't have access"; anything else in its own words. */
export function LoadError({ error, what }: { error: unknown; what: string }) {
  if (error instanceof ApiError && error.status === 404 && error.code === 'NOT_FOUND')
    return <ErrorMessage error={new Error(`We could not find ${what}. It may have been removed, or the link may be wrong.`)} />;
  if (error instanceof ApiError && error.status === 403 && (error.code === 'FORBIDDEN' || !error.code))
    return <ErrorMessage error={new Error(`You don’t have access to ${what}.`)} />;
  return <ErrorMessage error={error} />;
}

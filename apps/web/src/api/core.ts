/** Errors from the REST API (problem+json), the session's CSRF token, and how times are shown. */
import type { Problem } from './types';
import { formatClock, formatWait, formatWhen, humaneFieldMessage, humaneText } from './humane';

export { formatClock, formatWait, formatWhen, humaneFieldMessage, humaneText, rawWords } from './humane';

/** An error answer from the API, carrying the problem+json body and a plain-language message. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(plainMessage(problem));
  }
  get status(): number {
    return this.problem.status;
  }
  get code(): string | undefined {
    return this.problem.code;
  }
}

/** What an error answer means, in plain words: never a code, a field's API name or an ISO time. */
export function plainMessage(problem: Problem): string {
  switch (problem.code) {
    case 'UNAUTHENTICATED':
      return humaneText(problem.detail ?? 'Please sign in again.');
    case 'AGREEMENT_REQUIRED':
      return 'Please read the group agreement and accept it to take part.';
    case 'MUTED':
      return `You are muted in this group${problem.until ? ` until ${formatWhen(problem.until)}` : ' for a while'}. You can still read.`;
    case 'MFA_REQUIRED':
      return 'Supporters and admins need two-step sign-in before they can moderate or change settings, because this work shows what members have shared. Please set it up on your account page.';
    case 'RATE_LIMITED': {
      const wait = typeof problem.retryAfter === 'number' ? formatWait(problem.retryAfter) : null;
      // Long waits are the lockout after wrong passwords or codes: say how long, and the way out.
      if (wait && (problem.retryAfter as number) >= 60)
        return `There have been too many tries, so to keep the account safe please wait ${wait} before trying again. If you have forgotten your password, you can choose a new one.`;
      return `You are doing that too quickly. Please wait ${wait ?? 'a moment'} and try again.`;
    }
    case 'SERVICE_UNAVAILABLE':
      return 'Kindred cannot do that just now. Please try again in a minute.';
    case 'VALIDATION_FAILED':
      return problem.errors?.length
        ? problem.errors.map((e) => humaneFieldMessage(e.field, e.message)).join(' ')
        : humaneText(problem.detail ?? 'Please check what you entered.');
  }
  if (problem.status === 0) return 'We could not reach Kindred. Check your connection and try again.';
  return humaneText(problem.detail ?? 'Something went wrong. Please try again.');
}

/**
 * The session lives in an HttpOnly cookie the page cannot read (so it survives a new tab, and
 * script cannot steal it). Beside it the API sets `kindred_csrf`, which the page can read: its
 * presence says a session was started in this browser, and every unsafe request sends its value
 * back in `X-CSRF-Token` to show it comes from Kindred's own page.
 */
export const CSRF_COOKIE = 'kindred_csrf';
export function csrfToken(): string | null {
  for (const part of document.cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === CSRF_COOKIE && value.join('=')) return value.join('=');
  }
  return null;
}

type Listener = (error: ApiError) => void;
const listeners = new Set<Listener>();
/** Lets the app react to a session that ended elsewhere (401) in one place. */
export function onApiError(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tells every listener about an error answer. */
export function reportApiError(error: ApiError): void {
  listeners.forEach((listener) => listener(error));
}

/** A time of day in the reader's locale and time zone ("10:18 pm"). */
export function formatTime(iso: string | null | undefined): string {
  return formatClock(iso);
}

/** A moment in the reader's words, locale and time zone ("tomorrow, 10:18 pm"). */
export function formatDateTime(iso: string | null | undefined): string {
  return formatWhen(iso);
}

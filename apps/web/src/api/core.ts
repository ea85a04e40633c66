/** Errors from the REST API (problem+json), the session's token, and how times are shown. */
import type { Problem } from './types';

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

function plainMessage(problem: Problem): string {
  switch (problem.code) {
    case 'UNAUTHENTICATED':
      return problem.detail ?? 'Please sign in again.';
    case 'AGREEMENT_REQUIRED':
      return 'The group agreement has changed. Please read it and accept it to carry on.';
    case 'MUTED':
      return `You are muted in this group${problem.until ? ` until ${formatDateTime(problem.until)}` : ''}.`;
    case 'MFA_REQUIRED':
      return 'Supporters and admins need two-step sign-in before they can moderate or change settings, because this work shows what members have shared. Please set it up on your account page.';
    case 'RATE_LIMITED':
      return 'You are doing that too quickly. Please wait a moment and try again.';
    case 'VALIDATION_FAILED':
      return problem.errors?.length ? problem.errors.map((e) => e.message).join(' ') : (problem.detail ?? 'Please check what you entered.');
  }
  if (problem.status === 0) return 'We could not reach Kindred. Check your connection and try again.';
  return problem.detail ?? problem.title ?? 'Something went wrong. Please try again.';
}

const TOKEN_KEY = 'kindred.token';
export const tokenStore = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string | null) => (token ? sessionStorage.setItem(TOKEN_KEY, token) : sessionStorage.removeItem(TOKEN_KEY)),
};

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

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Date(iso).toLocaleString('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

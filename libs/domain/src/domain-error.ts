/**
 * Every situation a caller can understand and act on, by code. Services throw a `DomainError` with
 * one of these; how a transport answers it (HTTP status, problem title) is decided by that
 * transport (`libs/http`), never here.
 */
export const ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_A_MEMBER',
  'AGREEMENT_REQUIRED',
  'MUTED',
  'BANNED',
  'EMAIL_NOT_VERIFIED',
  'MFA_REQUIRED',
  'NOT_FOUND',
  'CONFLICT',
  'ITEM_SUPERSEDED',
  'TOKEN_EXPIRED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'VALIDATION_FAILED',
  'NOT_ELIGIBLE',
  'RATE_LIMITED',
  'INTERNAL',
  'SERVICE_UNAVAILABLE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldError {
  field: string;
  message: string;
}

/**
 * A failure the caller can understand and act on, named by its code. Several situations can share
 * one API code (many are a 409 CONFLICT); `reason` names the situation itself (`ALREADY_REPORTED`,
 * `ITEM_CLAIMED`, …), for callers and tests that must tell them apart. It is not part of the answer
 * a transport sends, so the API's codes stay as they are. Without one, the reason is the code.
 */
export class DomainError extends Error {
  reason: string;

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    /** What the caller needs to act on it (`version`, `until`, `errors`, `retryAfter`). */
    readonly extra: Record<string, unknown> = {},
    /** Hints a transport passes on as they are, such as Retry-After. */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'DomainError';
    this.reason = code;
  }

  /** Names the specific situation (see `reason`). */
  because(reason: string): this {
    this.reason = reason;
    return this;
  }

  static notFound(what = 'That'): DomainError {
    return new DomainError('NOT_FOUND', `${what} does not exist, or you cannot see it.`);
  }

  static validation(errors: FieldError[]): DomainError {
    const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    return new DomainError('VALIDATION_FAILED', detail || 'The request is not valid.', { errors });
  }

  static conflict(detail: string, reason?: string): DomainError {
    const error = new DomainError('CONFLICT', detail);
    return reason ? error.because(reason) : error;
  }

  static forbidden(detail = 'You are not allowed to do that.'): DomainError {
    return new DomainError('FORBIDDEN', detail);
  }

  static rateLimited(retryAfterSeconds: number, detail: string): DomainError {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    return new DomainError('RATE_LIMITED', detail, { retryAfter: seconds }, { 'Retry-After': String(seconds) });
  }
}

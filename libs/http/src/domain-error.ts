/** Stable machine codes from the API contract, each with its HTTP status. */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_A_MEMBER: 403,
  AGREEMENT_REQUIRED: 403,
  MUTED: 403,
  BANNED: 403,
  MFA_REQUIRED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  ITEM_SUPERSEDED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  VALIDATION_FAILED: 422,
  NOT_ELIGIBLE: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

const TITLES: Record<ErrorCode, string> = {
  BAD_REQUEST: 'The request could not be read',
  UNAUTHENTICATED: 'You need to sign in',
  FORBIDDEN: 'You are not allowed to do that',
  NOT_A_MEMBER: 'Only members of this group can do that',
  AGREEMENT_REQUIRED: "Please accept the group's agreement first",
  MUTED: 'You are muted in this group for now',
  BANNED: 'You can no longer take part in this group',
  MFA_REQUIRED: 'Set up two-step sign-in first',
  NOT_FOUND: 'Not found',
  CONFLICT: 'That clashes with something that already exists',
  ITEM_SUPERSEDED: 'The words this item was about have changed',
  PAYLOAD_TOO_LARGE: 'That is too large',
  UNSUPPORTED_MEDIA_TYPE: 'Please send JSON',
  VALIDATION_FAILED: 'Some of the details need fixing',
  NOT_ELIGIBLE: 'This group is not open to you',
  RATE_LIMITED: 'Too many attempts: please wait and try again',
  INTERNAL: 'Something went wrong on our side',
  SERVICE_UNAVAILABLE: 'Kindred is briefly unavailable: please try again shortly',
};

export interface FieldError {
  field: string;
  message: string;
}

/**
 * A failure the caller can understand and act on. Services throw these; one filter turns them
 * into RFC 9457 problem+json, so no service speaks HTTP.
 */
export class DomainError extends Error {
  readonly status: number;
  readonly title: string;

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    /** Extra members of the problem body (`version`, `until`, `errors`) and headers such as Retry-After. */
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'DomainError';
    this.status = ERROR_STATUS[code];
    this.title = TITLES[code];
  }

  static notFound(what = 'That'): DomainError {
    return new DomainError('NOT_FOUND', `${what} does not exist, or you cannot see it.`);
  }

  static validation(errors: FieldError[]): DomainError {
    const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    return new DomainError('VALIDATION_FAILED', detail || 'The request is not valid.', { errors });
  }

  static conflict(detail: string): DomainError {
    return new DomainError('CONFLICT', detail);
  }

  static forbidden(detail = 'You are not allowed to do that.'): DomainError {
    return new DomainError('FORBIDDEN', detail);
  }

  static rateLimited(retryAfterSeconds: number, detail: string): DomainError {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    return new DomainError('RATE_LIMITED', detail, { retryAfter: seconds }, { 'Retry-After': String(seconds) });
  }
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  [extra: string]: unknown;
}

export function problemOf(error: DomainError): ProblemBody {
  return {
    type: `https://kindred.example/problems/${error.code.toLowerCase().replace(/_/g, '-')}`,
    title: error.title,
    status: error.status,
    detail: error.detail,
    code: error.code,
    ...error.extra,
  };
}

import { DomainError, ErrorCode } from '@kindred/domain';

// Services import the domain error from here as well as from @kindred/domain.
export { DomainError, ERROR_CODES, type ErrorCode, type FieldError } from '@kindred/domain';

/** The HTTP status each domain code is answered with; the codes themselves are the API contract. */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_A_MEMBER: 403,
  AGREEMENT_REQUIRED: 403,
  MUTED: 403,
  BANNED: 403,
  EMAIL_NOT_VERIFIED: 403,
  MFA_REQUIRED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  ITEM_SUPERSEDED: 409,
  TOKEN_EXPIRED: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  VALIDATION_FAILED: 422,
  NOT_ELIGIBLE: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
};

const TITLES: Record<ErrorCode, string> = {
  BAD_REQUEST: 'The request could not be read',
  UNAUTHENTICATED: 'You need to sign in',
  FORBIDDEN: 'You are not allowed to do that',
  NOT_A_MEMBER: 'Only members of this group can do that',
  AGREEMENT_REQUIRED: "Please accept the group's agreement first",
  MUTED: 'You are muted in this group for now',
  BANNED: 'You can no longer take part in this group',
  EMAIL_NOT_VERIFIED: 'Please confirm your email address first',
  MFA_REQUIRED: 'Set up two-step sign-in first',
  NOT_FOUND: 'Not found',
  CONFLICT: 'That clashes with something that already exists',
  ITEM_SUPERSEDED: 'The words this item was about have changed',
  TOKEN_EXPIRED: 'That link has already been used or has expired',
  PAYLOAD_TOO_LARGE: 'That is too large',
  UNSUPPORTED_MEDIA_TYPE: 'Please send JSON',
  VALIDATION_FAILED: 'Some of the details need fixing',
  NOT_ELIGIBLE: 'This group is not open to you',
  RATE_LIMITED: 'Too many attempts: please wait and try again',
  INTERNAL: 'Something went wrong on our side',
  SERVICE_UNAVAILABLE: 'Kindred is briefly unavailable: please try again shortly',
};

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  [extra: string]: unknown;
}

export function statusOf(error: DomainError): number {
  return ERROR_STATUS[error.code];
}

export function problemOf(error: DomainError): ProblemBody {
  return {
    type: `https://kindred.example/problems/${error.code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[error.code],
    status: ERROR_STATUS[error.code],
    detail: error.detail,
    code: error.code,
    ...error.extra,
  };
}

import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ERROR_STATUS, ErrorCode } from '@kindred/http';

export class FieldErrorView {
  @ApiProperty({ example: 'email' })
  field: string;

  @ApiProperty({ example: 'email must be a valid email address' })
  message: string;
}

/** An RFC 9457 problem, as ProblemFilter writes every error answer (`problemOf` in @kindred/http). */
export class ProblemDetails {
  @ApiProperty({ example: 'https://kindred.example/problems/not-found' })
  type: string;

  @ApiProperty({ example: 'Not found' })
  title: string;

  @ApiProperty({ type: 'integer', example: 404 })
  status: number;

  @ApiProperty({ example: 'That group does not exist, or you cannot see it.' })
  detail: string;

  @ApiProperty({ enum: Object.keys(ERROR_STATUS), enumName: 'ErrorCode', description: 'Stable machine code; `status` follows from it.' })
  code: ErrorCode;

  @ApiPropertyOptional({ type: [FieldErrorView], description: 'VALIDATION_FAILED: every problem, named by its field.' })
  errors?: FieldErrorView[];

  @ApiPropertyOptional({ type: 'integer', description: 'AGREEMENT_REQUIRED: the agreement version to accept.' })
  version?: number;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'MUTED: when the mute ends.' })
  until?: string;

  @ApiPropertyOptional({ type: 'integer', description: 'RATE_LIMITED: seconds to wait, as in the Retry-After header.' })
  retryAfter?: number;
}

/** What every endpoint that reads a JSON body can answer about the body itself. */
export const JSON_BODY_PROBLEMS = ['BAD_REQUEST', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'VALIDATION_FAILED'] as const satisfies readonly ErrorCode[];

/** The usual code of each status, for `@ApiProblems(404)` rather than `@ApiProblems('NOT_FOUND')`. */
function defaultCode(status: number): ErrorCode {
  const code = (Object.keys(ERROR_STATUS) as ErrorCode[]).find((c) => ERROR_STATUS[c] === status);
  if (!code) throw new Error(`No error code answers with HTTP ${status}`);
  return code;
}

/**
 * Declares the problem+json answers of an endpoint: statuses (each with its usual code) or codes,
 * grouped by status, each with a ProblemDetails schema whose `code` lists only what applies.
 * `@ApiProblems(401, 'NOT_A_MEMBER', 'AGREEMENT_REQUIRED', 404)`.
 */
export function ApiProblems(...answers: Array<number | ErrorCode>): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, Set<ErrorCode>>();
  for (const answer of answers) {
    const code = typeof answer === 'number' ? defaultCode(answer) : answer;
    const status = ERROR_STATUS[code];
    byStatus.set(status, (byStatus.get(status) ?? new Set()).add(code));
  }
  const responses = [...byStatus].map(([status, codes]) =>
    ApiResponse({
      status,
      description: [...codes].join(', '),
      content: {
        'application/problem+json': {
          schema: { allOf: [{ $ref: getSchemaPath(ProblemDetails) }, { type: 'object', properties: { code: { type: 'string', enum: [...codes] } } }] },
        },
      },
    }),
  );
  return applyDecorators(ApiExtraModels(ProblemDetails), ...responses);
}

/** Taking part in a group's content: an approved, unbanned membership and the current agreement. */
export const PARTICIPATION_PROBLEMS = ['NOT_A_MEMBER', 'AGREEMENT_REQUIRED', 'BANNED'] as const satisfies readonly ErrorCode[];

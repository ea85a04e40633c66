import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode, problemOf, statusOf } from './domain-error';

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'VALIDATION_FAILED',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/**
 * Failures of a dependency rather than of the request: connections refused or lost, PostgreSQL
 * shutting down or starting (57P01–57P03), connection failures (08…), and PostgreSQL out of
 * connection slots (53300 too_many_connections, 53400 configuration_limit_exceeded). Each is worth
 * retrying shortly, so each is a 503 with Retry-After.
 */
const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300',
  '53400',
]);

/** Turns anything thrown into a domain error, so every failure is answered as problem+json. */
export function toDomainError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  const e = error as { code?: string; statusCode?: number; message?: string; driverError?: { code?: string } };
  // Fastify's own parser errors: malformed JSON, oversized bodies, wrong content type.
  if (e?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new DomainError('PAYLOAD_TOO_LARGE', 'The request body is larger than Kindred accepts.');
  }
  if (e?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.');
  }
  if (e?.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || e?.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
    return new DomainError('BAD_REQUEST', 'The request body is not valid JSON.');
  }
  const sqlCode = e?.driverError?.code ?? e?.code;
  if (sqlCode === '23505') return DomainError.conflict('That already exists.');
  if (sqlCode && CONNECTION_ERRORS.has(sqlCode)) {
    return new DomainError('SERVICE_UNAVAILABLE', 'A service Kindred depends on is not answering. Please try again shortly.', {}, { 'Retry-After': '5' });
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = STATUS_CODES[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
    const message = status === 404 ? 'There is nothing at this address.' : error.message;
    return new DomainError(code, message);
  }
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new DomainError(STATUS_CODES[e.statusCode] ?? 'BAD_REQUEST', e.message ?? 'The request could not be handled.');
  }
  if (isConnectionFailure(e?.message)) {
    return new DomainError('SERVICE_UNAVAILABLE', 'A service Kindred depends on is not answering. Please try again shortly.', {}, { 'Retry-After': '5' });
  }
  return new DomainError('INTERNAL', 'Something went wrong on our side. It has been logged; please try again.');
}

function isConnectionFailure(message: string | undefined): boolean {
  if (!message) return false;
  return /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down)|too many clients already/i.test(
    message,
  );
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const error = toDomainError(exception);
    const status = statusOf(error);
    if (status >= 500) {
      const e = exception as Error;
      const request = http.getRequest<FastifyRequest>();
      // Only the error's name, message and stack, and which request (the logger keeps its id, method and path): never bodies.
      this.logger.error(
        { err: { name: e?.name, message: e?.message, stack: e?.stack }, code: error.code, req: { id: request.id, method: request.method, url: request.url } },
        'request failed',
      );
    }
    for (const [name, value] of Object.entries(error.headers)) void reply.header(name, value);
    void reply.status(status).type('application/problem+json').send(problemOf(error));
  }
}

import { ParseUUIDPipe } from '@nestjs/common';
import { DomainError } from './domain-error';

/** A path id that is not a UUID names nothing: 404, never a database error. */
export function idParam(what: string): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => DomainError.notFound(what) });
}

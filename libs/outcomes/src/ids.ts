import { DomainError } from '@kindred/domain';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** An id that cannot exist is answered as not found, like one that does not. */
export function assertUuid(value: unknown, what: string): asserts value is string {
  if (!isUuid(value)) throw DomainError.notFound(what);
}

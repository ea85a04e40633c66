import { DomainError } from '@kindred/http';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** Ids reach services from sockets as well as HTTP: a malformed one is simply not found, never a database error. */
export function assertUuid(value: unknown, what: string): asserts value is string {
  if (!isUuid(value)) throw DomainError.notFound(what);
}

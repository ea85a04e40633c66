import { NotFoundException } from '@nestjs/common';
import { DomainError, statusOf } from './domain-error';
import { toDomainError } from './problem.filter';

/** What node-postgres and TypeORM throw: an error carrying PostgreSQL's SQLSTATE, directly or as driverError. */
const pgError = (code: string, message = 'pg error') => Object.assign(new Error(message), { code });
const typeormError = (code: string) => Object.assign(new Error('query failed'), { driverError: { code } });

describe('toDomainError', () => {
  it.each([
    ['too many connections', pgError('53300', 'sorry, too many clients already')],
    ['a connection limit', typeormError('53400')],
    ['an administrator shutdown', typeormError('57P01')],
    ['a crash shutdown', pgError('57P02')],
    ['a database starting up', pgError('57P03')],
    ['a refused connection', pgError('ECONNREFUSED')],
    ['a lost connection', typeormError('08006')],
    ['a pool timeout', new Error('timeout exceeded when trying to connect')],
    ['too many clients, by message only', new Error('sorry, too many clients already')],
  ])('answers %s as 503 with Retry-After', (_what, error) => {
    const answer = toDomainError(error);
    expect(statusOf(answer)).toBe(503);
    expect(answer.code).toBe('SERVICE_UNAVAILABLE');
    expect(answer.headers['Retry-After']).toBe('5');
  });

  it('answers a unique violation as 409', () => {
    expect(statusOf(toDomainError(typeormError('23505')))).toBe(409);
  });

  it('keeps a domain error as it is', () => {
    const error = DomainError.notFound('That post');
    expect(toDomainError(error)).toBe(error);
  });

  it('answers Nest’s 404 without echoing its text', () => {
    const answer = toDomainError(new NotFoundException('Cannot GET /secret'));
    expect(statusOf(answer)).toBe(404);
    expect(answer.message).toBe('There is nothing at this address.');
  });

  it('answers anything else as a 500 that reveals nothing', () => {
    const answer = toDomainError(pgError('42P01', 'relation "posts" does not exist'));
    expect(statusOf(answer)).toBe(500);
    expect(answer.message).not.toContain('posts');
  });
});

import { DomainError, problemOf, statusOf } from './domain-error';

describe('DomainError reasons', () => {
  it('names the situation for callers, while the answer keeps the API code and says nothing of the reason', () => {
    const error = DomainError.conflict('You have already reported this.', 'ALREADY_REPORTED');
    expect(error).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_REPORTED' });
    expect(statusOf(error)).toBe(409);
    expect(problemOf(error)).toEqual({
      type: 'https://kindred.example/problems/conflict',
      title: expect.any(String),
      status: 409,
      detail: 'You have already reported this.',
      code: 'CONFLICT',
    });
  });

  it('falls back to the code when no situation is named', () => {
    expect(DomainError.notFound('That post').reason).toBe('NOT_FOUND');
    expect(new DomainError('MUTED', 'Muted.').because('MUTED_IN_GROUP').reason).toBe('MUTED_IN_GROUP');
  });
});

import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { DomainError, statusOf } from './domain-error';
import { PageQuery, plainPageQuery } from './pagination';
import { createValidationPipe, validationPipeOptions } from './validation';

/** The pipe the app uses, against class-transformer + class-validator alone: same DTOs, same 422s. */
describe('validation pipe fast path for page queries', () => {
  const fast = createValidationPipe();
  const full = new ValidationPipe(validationPipeOptions());
  const metadata: ArgumentMetadata = { type: 'query', metatype: PageQuery, data: undefined };

  const outcome = async (pipe: ValidationPipe, query: Record<string, unknown>) => {
    try {
      return { value: (await pipe.transform({ ...query }, metadata)) as unknown };
    } catch (error) {
      const e = error as DomainError;
      return { status: statusOf(e), code: e.code, detail: e.detail, extra: e.extra };
    }
  };

  it.each<[string, Record<string, unknown>]>([
    ['no parameters', {}],
    ['a limit', { limit: '20' }],
    ['the smallest limit', { limit: '1' }],
    ['the largest limit', { limit: '100' }],
    ['a cursor', { cursor: 'eyJhdCI6IjIwMjYiLCJpZCI6IngifQ' }],
    ['an empty cursor', { cursor: '' }],
    ['both', { limit: '5', cursor: 'abc' }],
    ['a cursor of 512 characters', { cursor: 'a'.repeat(512) }],
    ['a cursor of 512 characters with a surrogate pair', { cursor: `${'a'.repeat(511)}😀` }],
    ['a limit of 0', { limit: '0' }],
    ['a limit of 101', { limit: '101' }],
    ['a limit with a leading zero', { limit: '020' }],
    ['a negative limit', { limit: '-5' }],
    ['a fractional limit', { limit: '2.5' }],
    ['a limit in exponent form', { limit: '1e1' }],
    ['a limit that is not a number', { limit: 'many' }],
    ['an empty limit', { limit: '' }],
    ['a limit given twice', { limit: ['10', '20'] }],
    ['a cursor given twice', { cursor: ['a', 'b'] }],
    ['a cursor of 513 characters', { cursor: 'a'.repeat(513) }],
    ['an unknown parameter', { sort: 'new' }],
    ['an unknown parameter beside valid ones', { limit: '10', sort: 'new' }],
  ])('answers %s as the full pipe does', async (_what, query) => {
    const expected = await outcome(full, query);
    const actual = await outcome(fast, query);
    expect(actual).toEqual(expected);
    if ('value' in expected) expect((actual as { value: unknown }).value).toBeInstanceOf(PageQuery);
  });

  it('builds plainly valid queries itself and leaves every mistake to the full pipe', () => {
    expect(plainPageQuery({ limit: '30', cursor: 'abc' })).toEqual(Object.assign(new PageQuery(), { limit: 30, cursor: 'abc' }));
    expect(plainPageQuery({})).toBeInstanceOf(PageQuery);
    for (const mistake of [{ limit: '0' }, { limit: 'x' }, { cursor: 'a'.repeat(513) }, { other: '1' }, null, 'limit=5']) {
      expect(plainPageQuery(mistake)).toBeUndefined();
    }
  });
});

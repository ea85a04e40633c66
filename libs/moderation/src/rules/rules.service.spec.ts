import type { EventBus } from '@kindred/events';
import type { GroupsService, ParticipationService } from '@kindred/groups';
import { DomainError } from '@kindred/http';
import type { AuthUser } from '@kindred/identity';
import { RulesService } from './rules.service';
import type { NewWatchedWordRule, WatchedWordRulesRepository } from './watched-word-rules.repository';

/** RulesService.create over a stand-in repository: what is refused at save, and what is stored. */
function service() {
  const inserted: NewWatchedWordRule[] = [];
  const repository = {
    insert: async (row: NewWatchedWordRule) => {
      inserted.push(row);
      return { ...row, id: 'r1', createdAt: new Date(0) };
    },
  } as unknown as WatchedWordRulesRepository;
  const groups = { getSettings: async () => ({}), assertClause: async () => undefined } as unknown as GroupsService;
  const events = { publish: async () => undefined, subscribe: async () => undefined } as unknown as EventBus;
  const rules = new RulesService(repository, groups, {} as ParticipationService, events);
  return { rules, inserted };
}

const admin = { id: 'a1', isAdmin: true } as AuthUser;

async function refusal(pattern: string): Promise<DomainError> {
  const { rules, inserted } = service();
  const error = await rules.create(admin, 'g1', { pattern, match: 'regex', action: 'hold' }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(inserted).toEqual([]);
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('RulesService.create, regex rules', () => {
  it.each([['[a-z]+\\w+!'], ['(a+)+$'], ['(a|aa)+$'], ['07\\d{3}\\s?\\d{6}'], ['\\bfree\\s+money\\b']])(
    'stores %s: RE2 runs it in linear time',
    async (pattern) => {
      const { rules, inserted } = service();
      await rules.create(admin, 'g1', { pattern, match: 'regex', action: 'hold' });
      expect(inserted.map((r) => r.pattern)).toEqual([pattern]);
    },
  );

  it.each([
    ['(a)\\1', /Back-references/],
    ['buy(?=now)', /Look-ahead and look-behind/],
    ['(?<!not )buy', /Look-ahead and look-behind/],
    ['a*', /matches empty text/],
    ['(abc', /not a valid regular expression/],
  ])('refuses %s as VALIDATION_FAILED on the pattern field, saying why', async (pattern, reason) => {
    const error = await refusal(pattern);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.detail).toMatch(/^pattern: /);
    expect(error.detail).toMatch(reason);
  });
});

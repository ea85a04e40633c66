import { EnforcementRecord, historyByClause, suggestSanction } from './stepped-enforcement';

const r = (clauseKey: string, action: EnforcementRecord['action']): EnforcementRecord => ({ clauseKey, action });

describe('historyByClause', () => {
  it('counts removals and keeps the most severe sanction per clause', () => {
    expect(
      historyByClause([r('respect', 'removal'), r('respect', 'mute'), r('respect', 'warn'), r('respect', 'removal'), r('confidentiality', 'removal')]),
    ).toEqual([
      { clauseKey: 'confidentiality', count: 1, lastSanction: null },
      { clauseKey: 'respect', count: 2, lastSanction: 'mute' },
    ]);
  });

  it('is empty for a member with no history', () => {
    expect(historyByClause([])).toEqual([]);
  });
});

describe('suggestSanction', () => {
  it.each([
    ['no history', [], null],
    ['one earlier removal, no sanction', [r('respect', 'removal')], 'warn'],
    ['after a warning', [r('respect', 'removal'), r('respect', 'warn')], 'mute'],
    ['after a mute', [r('respect', 'removal'), r('respect', 'warn'), r('respect', 'removal'), r('respect', 'mute')], 'ban'],
    ['after a ban it stays at ban', [r('respect', 'ban')], 'ban'],
  ] as Array<[string, EnforcementRecord[], string | null]>)('%s → %s', (_what, records, expected) => {
    expect(suggestSanction(historyByClause(records))).toBe(expected);
  });

  it('looks only at the clauses the item is about when it cites any', () => {
    const history = historyByClause([r('respect', 'removal'), r('respect', 'mute'), r('confidentiality', 'removal')]);
    expect(suggestSanction(history, ['confidentiality'])).toBe('warn');
    expect(suggestSanction(history, ['respect'])).toBe('ban');
    expect(suggestSanction(history, ['no-selling-or-recruiting'])).toBeNull();
  });
});

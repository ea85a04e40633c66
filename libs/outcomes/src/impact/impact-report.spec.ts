import { reportCsv, suppress, type ReportCounts } from './impact-report';
import { cell, MINIMUM_CELL } from './suppression';

function counts(overrides: Partial<ReportCounts> = {}): ReportCounts {
  return {
    groupId: 'g1',
    from: '2026-11',
    to: '2026-12',
    generatedAt: new Date('2026-12-05T00:00:00Z'),
    members: [
      { month: '2026-11', members: 9, joined: 9 },
      { month: '2026-12', members: 25, joined: 16 },
    ],
    activity: [
      { month: '2026-11', posts: 40, postAuthors: 9, messages: 300, messageAuthors: 12 },
      { month: '2026-12', posts: 12, postAuthors: 10, messages: 0, messageAuthors: 0 },
    ],
    moderation: [
      { month: '2026-11', decisions: 9, medianMinutesToDecision: 12.345, breaches: 1, urgentDecisions: 1, urgentBreaches: 0 },
      { month: '2026-12', decisions: 14, medianMinutesToDecision: 7.5, breaches: 2, urgentDecisions: 3, urgentBreaches: 1 },
    ],
    outcomes: [
      {
        measureId: 'm1',
        title: 'Living with my condition',
        questions: [{ key: 'confidence', text: 'How confident?', scale: { min: 0, max: 10, minLabel: 'Not', maxLabel: 'Very' } }],
        baselineAnswered: 30,
        waves: [
          { wave: 3, answeredBoth: 10, means: [{ key: 'confidence', baseline: 4.333333, followUp: 6.1 }] },
          { wave: 6, answeredBoth: 9, means: [{ key: 'confidence', baseline: 4, followUp: 7 }] },
        ],
      },
    ],
    relationships: null,
    ...overrides,
  };
}

describe('small-number suppression', () => {
  it('withholds anything resting on fewer than ten people, zero included, and rounds what it shows', () => {
    expect(MINIMUM_CELL).toBe(10);
    expect(cell(9, 9)).toBeNull();
    expect(cell(0, 0)).toBeNull();
    expect(cell(10, 10)).toBe(10);
    expect(cell(40, 9)).toBeNull();
    expect(cell(4.333333, 10)).toBe(4.33);
    expect(cell(null, 50)).toBeNull();
    expect(cell(Number.NaN, 50)).toBeNull();
  });

  it('judges each figure by the people it rests on: posts by their authors, means by those who answered both', () => {
    const report = suppress(counts());
    expect(report.minimumCell).toBe(10);
    expect(report.members).toEqual([
      { month: '2026-11', members: null, joined: null },
      { month: '2026-12', members: 25, joined: 16 },
    ]);
    // 40 posts by 9 people is withheld; 300 messages by 12 people is not.
    expect(report.activity[0]).toEqual({ month: '2026-11', posts: null, postAuthors: null, messages: 300, messageAuthors: 12 });
    expect(report.activity[1]).toEqual({ month: '2026-12', posts: 12, postAuthors: 10, messages: null, messageAuthors: null });
    expect(report.moderation[0]).toEqual({
      month: '2026-11',
      decisions: null,
      medianMinutesToDecision: null,
      breaches: null,
      urgentDecisions: null,
      urgentBreaches: null,
    });
    expect(report.moderation[1]).toEqual({
      month: '2026-12',
      decisions: 14,
      medianMinutesToDecision: 7.5,
      breaches: 2,
      urgentDecisions: null,
      urgentBreaches: null,
    });
    const [outcome] = report.outcomes;
    expect(outcome!.baselineAnswered).toBe(30);
    expect(outcome!.waves[0]).toEqual({
      wave: 3,
      answeredBoth: 10,
      means: [{ key: 'confidence', text: 'How confident?', min: 0, max: 10, baseline: 4.33, followUp: 6.1 }],
    });
    expect(outcome!.waves[1]).toMatchObject({ wave: 6, answeredBoth: null, means: [expect.objectContaining({ baseline: null, followUp: null })] });
    expect(report.relationships).toBeNull();
  });

  it('suppresses mentoring relationships the same way once they are counted', () => {
    const report = suppress(counts({ relationships: [{ month: '2026-12', active: 11, started: 3 }] }));
    expect(report.relationships).toEqual([{ month: '2026-12', active: 11, started: null }]);
  });

  it('writes withheld cells as "fewer than 10" in the CSV, never the number, and defuses spreadsheet formulas in titles', () => {
    const base = counts();
    const report = suppress({ ...base, outcomes: [{ ...base.outcomes[0]!, title: '=HYPERLINK("x"), my "measure"' }] });
    const csv = reportCsv(report);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('section,period,figure,value');
    expect(lines).toContain('members,2026-11,members,fewer than 10');
    expect(lines).toContain('members,2026-12,members,25');
    expect(lines).toContain('activity,2026-11,posts,fewer than 10');
    expect(lines).toContain('moderation,2026-12,decided after the deadline,2');
    expect(lines).toContain(`"outcomes: =HYPERLINK(""x""), my ""measure""",3 months,confidence mean at baseline (0-10),4.33`);
    expect(csv).not.toMatch(/,40\r\n/);
    expect(csv).not.toMatch(/^=/m);
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});

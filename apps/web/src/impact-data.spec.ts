/// <reference types="jest" />
import { activityChart, allWithheld, figure, membersChart, moderationChart, outcomeCharts, type ImpactReport } from './impact-data';

const report: ImpactReport = {
  groupId: 'g1',
  from: '2026-11',
  to: '2026-12',
  generatedAt: '2026-12-05T00:00:00.000Z',
  minimumCell: 10,
  members: [
    { month: '2026-11', members: null, joined: null },
    { month: '2026-12', members: 12, joined: 10 },
  ],
  activity: [{ month: '2026-12', posts: 13, postAuthors: 12, messages: null, messageAuthors: null }],
  moderation: [{ month: '2026-12', decisions: null, medianMinutesToDecision: null, breaches: null, urgentDecisions: null, urgentBreaches: null }],
  outcomes: [
    {
      measureId: 'm1',
      title: 'Living with my condition',
      baselineAnswered: 12,
      waves: [
        { wave: 3, answeredBoth: 10, means: [{ key: 'confidence', text: 'How confident?', min: 0, max: 10, baseline: 2, followUp: 4 }] },
        { wave: 6, answeredBoth: null, means: [{ key: 'confidence', text: 'How confident?', min: 0, max: 10, baseline: null, followUp: null }] },
      ],
    },
  ],
  relationships: null,
};

describe('impact chart data', () => {
  it('keeps a withheld cell withheld in the chart: null, never a number', () => {
    expect(membersChart(report)).toEqual([
      { label: '2026-11', Members: null, Joined: null },
      { label: '2026-12', Members: 12, Joined: 10 },
    ]);
    expect(activityChart(report)).toEqual([{ label: '2026-12', Posts: 13, Messages: null }]);
    expect(moderationChart(report)).toEqual([{ label: '2026-12', Decisions: null, 'Decided late': null }]);
    expect(allWithheld(moderationChart(report))).toBe(true);
    expect(allWithheld(membersChart(report))).toBe(false);
  });

  it('charts baseline against follow-up per question, withholding a follow-up fewer than ten answered', () => {
    const charts = outcomeCharts(report);
    expect(charts.map((c) => [c.title, c.answeredBoth])).toEqual([
      ['Living with my condition: baseline and 3 months', 10],
      ['Living with my condition: baseline and 6 months', null],
    ]);
    expect(charts[0]!.points).toEqual([{ label: 'confidence', Baseline: 2, '3 months': 4 }]);
    expect(charts[1]!.points).toEqual([{ label: 'confidence', Baseline: null, '6 months': null }]);
    expect(allWithheld(charts[1]!.points)).toBe(true);
  });

  it('says "fewer than 10" for a withheld figure', () => {
    expect(figure(null)).toBe('fewer than 10');
    expect(figure(12)).toBe('12');
    expect(figure(7.5, ' min')).toBe('7.5 min');
  });
});

import type { components } from './api/schema';

export type ImpactReport = components['schemas']['ImpactReportView'];

/** How a withheld cell reads everywhere in the web app. */
export const WITHHELD = 'fewer than 10';

/** A figure as text: the number, or "fewer than 10" when the report withheld it. */
export function figure(value: number | null | undefined, unit = ''): string {
  return value === null || value === undefined ? WITHHELD : `${value}${unit}`;
}

export interface ChartPoint {
  label: string;
  [series: string]: string | number | null;
}

/**
 * The rows a chart draws. Only what the API sent: a withheld cell stays null (the chart leaves a
 * gap and the table beside it says "fewer than 10"), so no chart can show what the report withheld.
 */
export function membersChart(report: ImpactReport): ChartPoint[] {
  return report.members.map((r) => ({ label: r.month, Members: r.members, Joined: r.joined }));
}

export function activityChart(report: ImpactReport): ChartPoint[] {
  return report.activity.map((r) => ({ label: r.month, Posts: r.posts, Messages: r.messages }));
}

export function moderationChart(report: ImpactReport): ChartPoint[] {
  return report.moderation.map((r) => ({ label: r.month, Decisions: r.decisions, 'Decided late': r.breaches }));
}

/** Per measure and follow-up: each question's mean at baseline and at follow-up over the people who answered both. */
export function outcomeCharts(report: ImpactReport): Array<{ key: string; title: string; answeredBoth: number | null; points: ChartPoint[] }> {
  return report.outcomes.flatMap((m) =>
    m.waves.map((w) => ({
      key: `${m.measureId}-${w.wave}`,
      title: `${m.title}: baseline and ${w.wave} months`,
      answeredBoth: w.answeredBoth,
      points: w.means.map((mean) => ({ label: mean.key, Baseline: mean.baseline, [`${w.wave} months`]: mean.followUp })),
    })),
  );
}

/** True when every value of every series is withheld: the chart is replaced by a sentence. */
export function allWithheld(points: ChartPoint[]): boolean {
  return points.every((p) => Object.entries(p).every(([k, v]) => k === 'label' || v === null));
}

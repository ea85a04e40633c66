import type { ActivityCounts, MemberCounts, ModerationCounts, OutcomeCounts } from './impact.repository';
import { Cell, cell, MINIMUM_CELL } from './suppression';

export interface MembersRow {
  month: string;
  /** People in the groups at the end of the month (current members, by when they joined). */
  members: Cell;
  joined: Cell;
}

export interface ActivityRow {
  month: string;
  posts: Cell;
  postAuthors: Cell;
  messages: Cell;
  messageAuthors: Cell;
}

export interface ModerationRow {
  month: string;
  decisions: Cell;
  medianMinutesToDecision: Cell;
  breaches: Cell;
  urgentDecisions: Cell;
  urgentBreaches: Cell;
}

export interface OutcomeMeans {
  key: string;
  text: string;
  min: number;
  max: number;
  baseline: Cell;
  followUp: Cell;
}

export interface OutcomeWave {
  /** Months after the baseline. */
  wave: number;
  /** People who answered both the baseline and this follow-up. */
  answeredBoth: Cell;
  means: OutcomeMeans[];
}

export interface OutcomeSummary {
  measureId: string;
  title: string;
  baselineAnswered: Cell;
  waves: OutcomeWave[];
}

/** What the mentoring context publishes once it is merged; until then the report says it is not available. */
export interface RelationshipsRow {
  month: string;
  active: Cell;
  started: Cell;
}

export interface ImpactReport {
  groupId: string | null;
  from: string;
  to: string;
  generatedAt: Date;
  /** Cells resting on fewer people than this are null. */
  minimumCell: number;
  members: MembersRow[];
  activity: ActivityRow[];
  moderation: ModerationRow[];
  outcomes: OutcomeSummary[];
  /** Null until mentoring relationships can be counted (docs/OUTCOMES.md, "Mentoring relationships"). */
  relationships: RelationshipsRow[] | null;
}

export interface ReportCounts {
  groupId: string | null;
  from: string;
  to: string;
  generatedAt: Date;
  members: MemberCounts[];
  activity: ActivityCounts[];
  moderation: ModerationCounts[];
  outcomes: OutcomeCounts[];
  relationships: Array<{ month: string; active: number; started: number }> | null;
}

/**
 * Withholds every cell that rests on fewer than MINIMUM_CELL people. Each figure's base is the
 * number of people it counts or averages over: members and joiners themselves; posts and messages
 * by the people who wrote them that month; a question's means by the people who answered both. A
 * month's moderation figures rest on its decisions (each a member's words), and are withheld with
 * fewer than ten. This is the only way counts reach the API, the CSV and the charts.
 */
export function suppress(counts: ReportCounts): ImpactReport {
  return {
    groupId: counts.groupId,
    from: counts.from,
    to: counts.to,
    generatedAt: counts.generatedAt,
    minimumCell: MINIMUM_CELL,
    members: counts.members.map((r) => ({ month: r.month, members: cell(r.members, r.members), joined: cell(r.joined, r.joined) })),
    activity: counts.activity.map((r) => ({
      month: r.month,
      posts: cell(r.posts, r.postAuthors),
      postAuthors: cell(r.postAuthors, r.postAuthors),
      messages: cell(r.messages, r.messageAuthors),
      messageAuthors: cell(r.messageAuthors, r.messageAuthors),
    })),
    moderation: counts.moderation.map((r) => ({
      month: r.month,
      decisions: cell(r.decisions, r.decisions),
      medianMinutesToDecision: cell(r.medianMinutesToDecision, r.decisions),
      breaches: cell(r.breaches, r.decisions),
      urgentDecisions: cell(r.urgentDecisions, r.urgentDecisions),
      urgentBreaches: cell(r.urgentBreaches, r.urgentDecisions),
    })),
    outcomes: counts.outcomes.map((m) => ({
      measureId: m.measureId,
      title: m.title,
      baselineAnswered: cell(m.baselineAnswered, m.baselineAnswered),
      waves: m.waves.map((w) => ({
        wave: w.wave,
        answeredBoth: cell(w.answeredBoth, w.answeredBoth),
        means: w.means.map((mean) => {
          const q = m.questions.find((question) => question.key === mean.key)!;
          return {
            key: mean.key,
            text: q.text,
            min: q.scale.min,
            max: q.scale.max,
            baseline: cell(mean.baseline, w.answeredBoth),
            followUp: cell(mean.followUp, w.answeredBoth),
          };
        }),
      })),
    })),
    relationships: counts.relationships?.map((r) => ({ month: r.month, active: cell(r.active, r.active), started: cell(r.started, r.started) })) ?? null,
  };
}

const WITHHELD = 'fewer than 10';

function csvField(value: string | number | null): string {
  if (value === null) return WITHHELD;
  const text = String(value);
  // Quoted when needed, and a leading formula character neutralised, so a spreadsheet never runs a title.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The report as CSV: one row per figure (section, month or wave, figure, value), withheld cells written as "fewer than 10". */
export function reportCsv(report: ImpactReport): string {
  const rows: Array<Array<string | number | null>> = [['section', 'period', 'figure', 'value']];
  for (const r of report.members) rows.push(['members', r.month, 'members', r.members], ['members', r.month, 'joined', r.joined]);
  for (const r of report.activity) {
    rows.push(['activity', r.month, 'posts', r.posts], ['activity', r.month, 'post authors', r.postAuthors]);
    rows.push(['activity', r.month, 'messages', r.messages], ['activity', r.month, 'message authors', r.messageAuthors]);
  }
  for (const r of report.moderation) {
    rows.push(['moderation', r.month, 'decisions', r.decisions], ['moderation', r.month, 'median minutes to decision', r.medianMinutesToDecision]);
    rows.push(['moderation', r.month, 'decided after the deadline', r.breaches]);
    rows.push(['moderation', r.month, 'urgent decisions', r.urgentDecisions], ['moderation', r.month, 'urgent decided after the deadline', r.urgentBreaches]);
  }
  for (const r of report.relationships ?? []) {
    rows.push(['mentoring', r.month, 'active relationships', r.active], ['mentoring', r.month, 'relationships started', r.started]);
  }
  for (const m of report.outcomes) {
    rows.push([`outcomes: ${m.title}`, 'baseline', 'people who answered', m.baselineAnswered]);
    for (const w of m.waves) {
      const period = `${w.wave} months`;
      rows.push([`outcomes: ${m.title}`, period, 'people who answered baseline and follow-up', w.answeredBoth]);
      for (const mean of w.means) {
        rows.push([`outcomes: ${m.title}`, period, `${mean.key} mean at baseline (${mean.min}-${mean.max})`, mean.baseline]);
        rows.push([`outcomes: ${m.title}`, period, `${mean.key} mean at follow-up (${mean.min}-${mean.max})`, mean.followUp]);
      }
    }
  }
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

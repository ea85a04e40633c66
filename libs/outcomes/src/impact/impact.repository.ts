import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Which groups a report covers (null: all) and which whole UTC months, `from` to `to` inclusive (each the 1st of its month). */
export interface ReportScope {
  groupIds: string[] | null;
  from: Date;
  to: Date;
}

export interface MemberCounts {
  month: string;
  members: number;
  joined: number;
}

export interface ActivityCounts {
  month: string;
  posts: number;
  postAuthors: number;
  messages: number;
  messageAuthors: number;
}

export interface ModerationCounts {
  month: string;
  decisions: number;
  medianMinutesToDecision: number | null;
  breaches: number;
  urgentDecisions: number;
  urgentBreaches: number;
}

export interface OutcomeCounts {
  measureId: string;
  title: string;
  questions: Array<{ key: string; text: string; scale: { min: number; max: number; minLabel: string; maxLabel: string } }>;
  /** Distinct people who answered the baseline. */
  baselineAnswered: number;
  waves: Array<{ wave: number; answeredBoth: number; means: Array<{ key: string; baseline: number; followUp: number }> }>;
}

const MONTHS = `generate_series($2::timestamp, $3::timestamp, interval '1 month') AS s(month)`;
const IN_SCOPE = (column: string) => `($1::uuid[] IS NULL OR ${column} = ANY($1::uuid[]))`;
const MONTH_OF = (column: string) => `to_char(date_trunc('month', ${column} AT TIME ZONE 'UTC'), 'YYYY-MM')`;

/**
 * The impact report's counts, before any suppression: people, posts, messages and decisions per
 * month, read from what groups (`group_members`), the forum (`post_activity`), chat
 * (`message_activity`) and moderation (`review_timeliness`) publish, and outcome answers from this
 * context's own tables. Nothing here returns a person: only counts and means.
 */
@Injectable()
export class ImpactRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private params(scope: ReportScope): unknown[] {
    return [scope.groupIds, iso(scope.from), iso(scope.to)];
  }

  members(scope: ReportScope): Promise<MemberCounts[]> {
    return this.dataSource.query(
      `SELECT to_char(s.month, 'YYYY-MM') AS month,
              (SELECT count(DISTINCT gm.user_id) FROM group_members gm
                WHERE ${IN_SCOPE('gm.group_id')} AND gm.joined_at < ((s.month + interval '1 month') AT TIME ZONE 'UTC'))::int AS members,
              (SELECT count(DISTINCT gm.user_id) FROM group_members gm
                WHERE ${IN_SCOPE('gm.group_id')} AND gm.joined_at >= (s.month AT TIME ZONE 'UTC')
                  AND gm.joined_at < ((s.month + interval '1 month') AT TIME ZONE 'UTC'))::int AS joined
         FROM ${MONTHS} ORDER BY s.month`,
      this.params(scope),
    );
  }

  async activity(scope: ReportScope): Promise<ActivityCounts[]> {
    const window = `created_at >= ($2::timestamp AT TIME ZONE 'UTC') AND created_at < (($3::timestamp + interval '1 month') AT TIME ZONE 'UTC')`;
    const [posts, messages] = await Promise.all([
      this.dataSource.query(
        `SELECT ${MONTH_OF('created_at')} AS month, count(*)::int AS n, count(DISTINCT author_id)::int AS people
           FROM post_activity WHERE ${IN_SCOPE('group_id')} AND ${window} GROUP BY 1`,
        this.params(scope),
      ) as Promise<Array<{ month: string; n: number; people: number }>>,
      this.dataSource.query(
        `SELECT ${MONTH_OF('created_at')} AS month, count(*)::int AS n, count(DISTINCT author_id)::int AS people
           FROM message_activity WHERE ${IN_SCOPE('group_id')} AND ${window} GROUP BY 1`,
        this.params(scope),
      ) as Promise<Array<{ month: string; n: number; people: number }>>,
    ]);
    return monthsOf(scope).map((month) => {
      const p = posts.find((r) => r.month === month);
      const m = messages.find((r) => r.month === month);
      return { month, posts: p?.n ?? 0, postAuthors: p?.people ?? 0, messages: m?.n ?? 0, messageAuthors: m?.people ?? 0 };
    });
  }

  async moderation(scope: ReportScope): Promise<ModerationCounts[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${MONTH_OF('decided_at')} AS month, count(*)::int AS decisions,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - created_at) / 60)::float8 AS "medianMinutesToDecision",
              count(*) FILTER (WHERE decided_at > due_at)::int AS breaches,
              count(*) FILTER (WHERE priority = 'urgent')::int AS "urgentDecisions",
              count(*) FILTER (WHERE priority = 'urgent' AND decided_at > due_at)::int AS "urgentBreaches"
         FROM review_timeliness
        WHERE ${IN_SCOPE('group_id')} AND decided_at >= ($2::timestamp AT TIME ZONE 'UTC') AND decided_at < (($3::timestamp + interval '1 month') AT TIME ZONE 'UTC')
        GROUP BY 1`,
      this.params(scope),
    )) as ModerationCounts[];
    return monthsOf(scope).map(
      (month) =>
        rows.find((r) => r.month === month) ?? { month, decisions: 0, medianMinutesToDecision: null, breaches: 0, urgentDecisions: 0, urgentBreaches: 0 },
    );
  }

  /**
   * Mentoring relationships per month: running at the month's end, and started in it. Read from
   * what the mentoring context publishes (`mentoring_relationship_spans`: group, programme, when it
   * ran; no person), so a relationship counts once whoever is in it.
   */
  relationships(scope: ReportScope): Promise<Array<{ month: string; active: number; started: number }>> {
    const monthEnd = `((s.month + interval '1 month') AT TIME ZONE 'UTC')`;
    return this.dataSource.query(
      `SELECT to_char(s.month, 'YYYY-MM') AS month,
              (SELECT count(*) FROM mentoring_relationship_spans r
                WHERE ${IN_SCOPE('r.group_id')} AND r.started_at < ${monthEnd} AND (r.ended_at IS NULL OR r.ended_at >= ${monthEnd}))::int AS active,
              (SELECT count(*) FROM mentoring_relationship_spans r
                WHERE ${IN_SCOPE('r.group_id')} AND r.started_at >= (s.month AT TIME ZONE 'UTC') AND r.started_at < ${monthEnd})::int AS started
         FROM ${MONTHS} ORDER BY s.month`,
      this.params(scope),
    );
  }

  /**
   * For each measure attached in scope: how many people answered its baseline, and for each
   * follow-up wave how many answered both it and their baseline, with each question's mean at
   * baseline and at follow-up over exactly those people.
   */
  async outcomes(scope: ReportScope): Promise<OutcomeCounts[]> {
    const params = [scope.groupIds];
    const measures = (await this.dataSource.query(
      `SELECT m.id AS "measureId", m.title, m.questions,
              (SELECT count(DISTINCT b.user_id) FROM questionnaires b JOIN measure_attachments ba ON ba.id = b.attachment_id
                WHERE ba.measure_id = m.id AND b.wave = 0 AND b.answers IS NOT NULL AND ${IN_SCOPE('b.group_id')})::int AS "baselineAnswered"
         FROM outcome_measures m
        WHERE EXISTS (SELECT 1 FROM measure_attachments a WHERE a.measure_id = m.id AND ${IN_SCOPE('a.group_id')})
        ORDER BY m.built_in DESC, m.created_at, m.id`,
      params,
    )) as Array<Omit<OutcomeCounts, 'waves'>>;
    const pairs = (await this.dataSource.query(
      `SELECT a.measure_id AS "measureId", f.wave, k.key,
              count(DISTINCT f.user_id)::int AS people,
              avg((b.answers ->> k.key)::numeric)::float8 AS baseline,
              avg((f.answers ->> k.key)::numeric)::float8 AS "followUp"
         FROM questionnaires f
         JOIN questionnaires b ON b.attachment_id = f.attachment_id AND b.user_id = f.user_id AND b.wave = 0 AND b.answers IS NOT NULL
         JOIN measure_attachments a ON a.id = f.attachment_id
         CROSS JOIN LATERAL jsonb_object_keys(f.answers) AS k(key)
        WHERE f.wave > 0 AND f.answers IS NOT NULL AND ${IN_SCOPE('f.group_id')}
        GROUP BY 1, 2, 3`,
      params,
    )) as Array<{ measureId: string; wave: number; key: string; people: number; baseline: number; followUp: number }>;
    return measures.map((m) => {
      const mine = pairs.filter((p) => p.measureId === m.measureId);
      const waves = [...new Set(mine.map((p) => p.wave))].sort((a, b) => a - b);
      return {
        ...m,
        waves: waves.map((wave) => {
          const rows = mine.filter((p) => p.wave === wave);
          return {
            wave,
            answeredBoth: Math.max(...rows.map((r) => r.people)),
            means: m.questions
              .filter((q) => rows.some((r) => r.key === q.key))
              .map((q) => {
                const r = rows.find((row) => row.key === q.key)!;
                return { key: q.key, baseline: r.baseline, followUp: r.followUp };
              }),
          };
        }),
      };
    });
  }
}

function iso(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Every month of the scope, 'YYYY-MM'. */
export function monthsOf(scope: { from: Date; to: Date }): string[] {
  const out: string[] = [];
  for (let y = scope.from.getUTCFullYear(), m = scope.from.getUTCMonth(); y * 12 + m <= scope.to.getUTCFullYear() * 12 + scope.to.getUTCMonth(); m += 1) {
    if (m === 12) {
      m = 0;
      y += 1;
    }
    out.push(`${y}-${String(m + 1).padStart(2, '0')}`);
  }
  return out;
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GroupsService, isCovered, ParticipationService } from '@kindred/groups';
import { DomainError } from '@kindred/http';
import type { AuthUser } from '@kindred/identity';

/** API.md, `GET /groups/:groupId/moderation/metrics`. */
export interface ModerationMetrics {
  open: number;
  overdue: number;
  urgentOpen: number;
  decidedLast24h: number;
  /** Over items decided in the last 7 days; null when there were none. */
  timeToDecisionSeconds: { p50: number | null; p95: number | null };
  /** Items whose deadline fell in the last 7 days and that were still undecided at it (open or decided late). */
  slaBreachesLast7d: number;
  /** Whether the group's cover schedule has someone on cover now, in the group's time zone. */
  coveredNow: boolean;
}

interface MetricsRow {
  open: number;
  overdue: number;
  urgent_open: number;
  decided_24h: number;
  p50: number | null;
  p95: number | null;
  breaches: number;
}

/**
 * A group's moderation health, computed in one SQL statement. Supporters count the items they
 * work (audience 'supporters'); admins count everything. Percentiles are nearest-rank
 * (percentile_disc), the same definition as `percentile` in deadlines/sla.ts.
 */
@Injectable()
export class ModerationMetricsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly participation: ParticipationService,
    private readonly groups: GroupsService,
  ) {}

  async forGroup(user: AuthUser, groupId: string, now: Date = new Date()): Promise<ModerationMetrics> {
    const role = await this.participation.assertModerator(user, groupId);
    const settings = await this.groups.getSettings(groupId);
    if (!settings) throw DomainError.notFound('That group');
    const [row] = (await this.dataSource.query(
      `WITH items AS (
         SELECT * FROM review_items WHERE group_id = $1 AND ($3::boolean OR audience = 'supporters')
       )
       SELECT
         count(*) FILTER (WHERE status = 'open')::int AS open,
         count(*) FILTER (WHERE status = 'open' AND due_at <= $2)::int AS overdue,
         count(*) FILTER (WHERE status = 'open' AND priority = 'urgent')::int AS urgent_open,
         count(*) FILTER (WHERE status = 'decided' AND decided_at > $2::timestamptz - interval '24 hours')::int AS decided_24h,
         percentile_disc(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - created_at))
           FILTER (WHERE status = 'decided' AND decided_at > $2::timestamptz - interval '7 days') AS p50,
         percentile_disc(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - created_at))
           FILTER (WHERE status = 'decided' AND decided_at > $2::timestamptz - interval '7 days') AS p95,
         count(*) FILTER (
           WHERE status IN ('open', 'decided') AND due_at > $2::timestamptz - interval '7 days' AND due_at <= $2
             AND (decided_at IS NULL OR decided_at > due_at)
         )::int AS breaches
       FROM items`,
      [groupId, now, role === 'admin'],
    )) as MetricsRow[];
    const r = row!;
    const seconds = (value: number | string | null) => (value === null ? null : Math.round(Number(value) * 1000) / 1000);
    return {
      open: r.open,
      overdue: r.overdue,
      urgentOpen: r.urgent_open,
      decidedLast24h: r.decided_24h,
      timeToDecisionSeconds: { p50: seconds(r.p50), p95: seconds(r.p95) },
      slaBreachesLast7d: r.breaches,
      coveredNow: isCovered(settings.moderation.coverage, settings.moderation.timezone, now),
    };
  }
}

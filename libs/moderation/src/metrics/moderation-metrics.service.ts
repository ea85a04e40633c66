import { Injectable } from '@nestjs/common';
import { GroupsService, isCovered, ParticipationService } from '@kindred/groups';
import { DomainError } from '@kindred/http';
import type { AuthUser } from '@kindred/identity';
import { ReviewItemsRepository } from '../review/review-items.repository';

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

/**
 * A group's moderation health, computed in one SQL statement (ReviewItemsRepository.health). Supporters count the items they
 * work (audience 'supporters'); admins count everything. Percentiles are nearest-rank
 * (percentile_disc), the same definition as `percentile` in deadlines/sla.ts.
 */
@Injectable()
export class ModerationMetricsService {
  constructor(
    private readonly items: ReviewItemsRepository,
    private readonly participation: ParticipationService,
    private readonly groups: GroupsService,
  ) {}

  async forGroup(user: AuthUser, groupId: string, now: Date = new Date()): Promise<ModerationMetrics> {
    const role = await this.participation.assertModerator(user, groupId);
    const settings = await this.groups.getSettings(groupId);
    if (!settings) throw DomainError.notFound('That group');
    const health = await this.items.health(groupId, now, role === 'admin');
    const seconds = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);
    return {
      open: health.open,
      overdue: health.overdue,
      urgentOpen: health.urgentOpen,
      decidedLast24h: health.decidedLast24h,
      timeToDecisionSeconds: { p50: seconds(health.p50), p95: seconds(health.p95) },
      slaBreachesLast7d: health.breachesLast7d,
      coveredNow: isCovered(settings.moderation.coverage, settings.moderation.timezone, now),
    };
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { GroupSettings, GroupsService, isCovered } from '@kindred/groups';
import type { ScreenJob } from '@kindred/queues';
import { NoticesService, NoticeView } from '@kindred/notifications';
import { SignpostingService } from '@kindred/signposting';
import { dueAt } from '../deadlines/sla';
import { ReviewItem } from '../review/review-item.entity';
import { ReviewItemsService } from '../review/review-items.service';
import { RulesService } from '../rules/rules.service';
import { combineVerdicts, ScreeningOutcome } from '../screening/combine';
import { isTrustedAuthor, modeVerdicts } from '../screening/moderation-mode';
import { screenText } from '../screening/screen';
import { ScreeningSources, ScreeningSubject, VerdictToApply } from './screening-source';

interface GroupContext {
  settings: GroupSettings;
  moderators: Set<string>;
  crisisResources: Array<Record<string, unknown>>;
  at: number;
}

/** Group settings change rarely; a few seconds of caching keeps a busy queue off the database. */
const GROUP_CONTEXT_TTL_MS = 5_000;

export interface ScreeningResult {
  skipped: boolean;
  status?: 'published' | 'held' | 'rejected';
}

/**
 * Screens one content item: runs every screener, then in one transaction commits the verdict,
 * the review item and the notices. Safe to run twice: a second run finds the item no longer in
 * `screening` at that revision and does nothing.
 */
@Injectable()
export class ScreeningService {
  private readonly logger = new Logger(ScreeningService.name);
  private readonly groupContexts = new Map<string, GroupContext>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: KindredConfig,
    private readonly sources: ScreeningSources,
    private readonly groups: GroupsService,
    private readonly rules: RulesService,
    private readonly reviewItems: ReviewItemsService,
    private readonly notices: NoticesService,
    private readonly signposting: SignpostingService,
  ) {}

  async screen(job: ScreenJob): Promise<ScreeningResult> {
    const source = this.sources.get(job.subject);
    const now = new Date();
    const created: { notices: NoticeView[]; item?: ReviewItem; itemCreated?: boolean } = { notices: [] };

    // Everything that reads through the pool happens before the verdict transaction opens: a
    // transaction that waited for a second connection could starve the pool at high concurrency.
    const preview = await this.dataSource.transaction((manager) => source.lockForVerdict(manager, job.id));
    if (!preview || preview.status !== 'screening' || preview.revision !== job.revision) return { skipped: true };
    const context = await this.groupContext(preview.groupId);
    const outcome = await this.outcomeFor(preview, context, now);

    const result = await this.dataSource.transaction(async (manager) => {
      const subject = await source.lockForVerdict(manager, job.id);
      // Same revision means the same words: the verdict computed above still applies.
      if (!subject || subject.status !== 'screening' || subject.revision !== job.revision) return null;
      const signposting = outcome.urgent ? context.crisisResources : null;
      const verdict: VerdictToApply = { status: outcome.status, body: outcome.body, signposting };
      await source.applyVerdict(manager, subject, verdict);

      if (outcome.status === 'held' || outcome.flagged) {
        const moderation = context.settings.moderation;
        const authorIsSupporter = subject.authorId !== null && context.moderators.has(subject.authorId);
        const { item, created: itemCreated } = await this.reviewItems.openOrMerge(manager, {
          groupId: subject.groupId,
          kind: subject.type,
          subjectType: subject.type,
          subjectId: subject.id,
          subjectRevision: subject.revision,
          subjectAuthorId: subject.authorId,
          reasons: outcome.reasons,
          priority: outcome.urgent ? 'urgent' : 'normal',
          // Members must be able to trust that a supporter's own words are reviewed by someone else.
          audience: authorIsSupporter && !outcome.urgent ? 'admins' : 'supporters',
          dueAt: dueAt(now, outcome.urgent ? moderation.urgentSlaMinutes : moderation.reviewSlaMinutes),
        });
        created.item = item;
        created.itemCreated = itemCreated;
      } else {
        await this.reviewItems.supersedeOpen(manager, subject.type, subject.id);
      }

      if (subject.authorId && outcome.urgent) {
        created.notices.push(
          await this.notices.create(
            {
              userId: subject.authorId,
              kind: 'signposting',
              groupId: subject.groupId,
              subjectId: subject.id,
              clauseKey: 'look-out-for-each-other',
              message:
                'It sounds like things might be really hard right now. You are not alone. If your life is at risk, call 999 now. ' +
                'You can talk to Samaritans any time, free, on 116 123, or text SHOUT to 85258. A supporter will read what you wrote soon.',
              resources: context.crisisResources,
              appealable: false,
            },
            manager,
          ),
        );
      }
      if (subject.authorId && outcome.status === 'rejected') {
        const clauseKey = outcome.rejection?.clauseKey ?? null;
        created.notices.push(
          await this.notices.create(
            {
              userId: subject.authorId,
              kind: 'rejection',
              groupId: subject.groupId,
              subjectId: subject.id,
              clauseKey,
              message: `What you wrote was not published because it goes against the group agreement${clauseKey ? ` (clause "${clauseKey}")` : ''}. You can appeal if you think this is wrong.`,
              appealable: true,
            },
            manager,
          ),
        );
      }
      return { subject, verdict, outcome };
    });

    if (!result) return { skipped: true };
    for (const notice of created.notices) await this.notices.announce(notice);
    if (created.item) await this.reviewItems.announce(created.item, created.itemCreated ? 'review:new' : 'review:updated');
    await source.afterVerdict?.(result.subject, result.verdict, result.outcome.reasons);
    return { skipped: false, status: result.outcome.status };
  }

  private async outcomeFor(subject: ScreeningSubject, context: GroupContext, now: Date): Promise<ScreeningOutcome> {
    const moderation = context.settings.moderation;
    const authorIsModerator = subject.authorId !== null && context.moderators.has(subject.authorId);
    const trustAfter = Math.max(moderation.firstPostsHeld, 1);
    const authorApprovedCount = !authorIsModerator && subject.authorId ? await this.publishedCount(subject.authorId, subject.groupId, trustAfter) : 0;
    const compiled = await this.rules.compiledFor(subject.groupId);
    const authorTrusted = isTrustedAuthor({ authorIsModerator, authorApprovedCount, firstPostsHeld: Math.max(moderation.firstPostsHeld, 1) });
    const { verdicts } = screenText(subject.body, { rules: compiled, authorTrusted });
    verdicts.push(
      ...modeVerdicts({
        mode: moderation.mode,
        firstPostsHeld: moderation.firstPostsHeld,
        authorApprovedCount,
        authorIsModerator,
        covered: isCovered(moderation.coverage, moderation.timezone, now),
        outOfCoverage: moderation.outOfCoverage,
      }),
    );
    return combineVerdicts(subject.body, verdicts);
  }

  private async publishedCount(authorId: string, groupId: string, atMost: number): Promise<number> {
    let total = 0;
    for (const source of this.sources.all()) {
      total += await source.publishedCount(authorId, groupId, atMost - total);
      if (total >= atMost) break;
    }
    return total;
  }

  private async groupContext(groupId: string): Promise<GroupContext> {
    const cached = this.groupContexts.get(groupId);
    if (cached && Date.now() - cached.at < GROUP_CONTEXT_TTL_MS) return cached;
    const [settings, supporterIds, adminIds, crisisResources] = await Promise.all([
      this.groups.getSettings(groupId),
      this.groups.supporterIds(groupId),
      this.groups.adminIds(),
      this.signposting.crisisResources(groupId),
    ]);
    if (!settings) throw new Error(`group ${groupId} has gone`);
    const context: GroupContext = {
      settings,
      moderators: new Set([...supporterIds, ...adminIds]),
      crisisResources: crisisResources as unknown as Array<Record<string, unknown>>,
      at: Date.now(),
    };
    this.groupContexts.set(groupId, context);
    return context;
  }

  /** Re-enqueues items stuck in `screening` (written while Redis was down, or whose job was lost). */
  async stuckItems(limit = 500): Promise<ScreenJob[]> {
    const jobs: ScreenJob[] = [];
    for (const source of this.sources.all()) {
      for (const row of await source.stuckInScreening(this.config.screening.sweepAfterSeconds, limit)) {
        jobs.push({ subject: source.type, id: row.id, revision: row.revision });
      }
    }
    return jobs;
  }
}

export function screeningJobId(job: ScreenJob): string {
  return `${job.subject}-${job.id}-r${job.revision}`;
}

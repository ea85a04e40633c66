import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { Batcher, Transactions } from '@kindred/database';
import { GroupSettings, GroupsService, isCovered } from '@kindred/groups';
import type { ScreenJob } from '@kindred/queues';
import { NoticesService, NoticeView } from '@kindred/notifications';
import { SignpostingService } from '@kindred/signposting';
import { dueAt } from '../deadlines/sla';
import { SafeguardingAlerts } from '../deadlines/safeguarding-alerts';
import { ReviewItem } from '../review/review-item.entity';
import { ReviewItemsService } from '../review/review-items.service';
import { RulesService } from '../rules/rules.service';
import { isTrustedAuthor, modeVerdicts } from '../screening/moderation-mode';
import { screenText } from '../screening/screen';
import type { SubjectType } from '../review/review.types';
import { FieldsOutcome, FieldText, screenFields } from './field-screening';
import { AfterCommit, PlainPublication, ScreeningSource, ScreeningSources, ScreeningSubject, SubjectFields, VerdictToApply } from './screening-source';
import { signpostingNotice } from './signposting-notice';
import { quoteOf } from './notice-quote';

interface GroupContext {
  settings: GroupSettings;
  moderators: Set<string>;
  supporterIds: string[];
  adminIds: string[];
  crisisResources: Array<Record<string, unknown>>;
  at: number;
}

/** Group settings change rarely; a few seconds of caching keeps a busy queue off the database. */
const GROUP_CONTEXT_TTL_MS = 5_000;
/** Trusted authors remembered at once, at most (the cache is emptied when full). */
const TRUSTED_CACHE_SIZE = 10_000;
/** Items read or published per statement, at most. */
const BATCH_SIZE = 100;

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
  private readonly trusted = new Map<string, number>();
  private readonly readers = new Map<SubjectType, Batcher<string, ScreeningSubject | null>>();
  private readonly publishers = new Map<SubjectType, Batcher<PlainPublication, ScreeningSubject | null>>();

  constructor(
    private readonly transactions: Transactions,
    @Inject(APP_CONFIG) private readonly config: KindredConfig,
    private readonly sources: ScreeningSources,
    private readonly groups: GroupsService,
    private readonly rules: RulesService,
    private readonly reviewItems: ReviewItemsService,
    private readonly notices: NoticesService,
    private readonly signposting: SignpostingService,
    private readonly safeguarding: SafeguardingAlerts,
  ) {}

  async screen(job: ScreenJob): Promise<ScreeningResult> {
    const source = this.sources.get(job.subject);
    const now = new Date();

    // Everything that reads through the pool happens before any verdict transaction opens: a
    // transaction that waited for a second connection could starve the pool at high concurrency.
    const preview = await this.peek(source, job.id);
    if (!preview || preview.status !== 'screening' || preview.revision !== job.revision) return { skipped: true };
    const context = await this.groupContext(preview.groupId);
    const outcome = await this.outcomeFor(preview, context, now);

    // Most items are simply published: those go out together, a batch per transaction (only the body can be masked there).
    if (outcome.status === 'published' && !outcome.flagged && !outcome.urgent && !outcome.masked && source.publishMany) {
      let published: ScreeningSubject | null | undefined;
      try {
        published = await this.publisher(source).submit({ id: preview.id, revision: preview.revision, body: outcome.body, subject: preview });
      } catch (error) {
        // The one-by-one path below re-checks the item under its row lock, so nothing is applied twice.
        this.logger.warn({ err: error, subject: job.subject, id: job.id }, 'batched publication failed; applying this verdict on its own');
      }
      if (published === null) return { skipped: true };
      if (published) {
        await source.afterVerdict?.(published, { status: 'published', body: outcome.body, signposting: null }, outcome.reasons);
        return { skipped: false, status: 'published' };
      }
    }
    return this.applyOne(source, job, outcome, context, now);
  }

  /** One verdict in its own transaction, with its review item and notices: every verdict that is not a plain publication. */
  private async applyOne(source: ScreeningSource, job: ScreenJob, outcome: FieldsOutcome, context: GroupContext, now: Date): Promise<ScreeningResult> {
    const created: { notices: NoticeView[]; item?: ReviewItem; itemCreated?: boolean; alerts: Array<string | null>; followUp?: AfterCommit } = {
      notices: [],
      alerts: [],
    };
    const result = await this.transactions.run(async (tx) => {
      const subject = await source.lockForVerdict(tx, job.id);
      // Same revision means the same words: the verdict computed above still applies.
      if (!subject || subject.status !== 'screening' || subject.revision !== job.revision) return null;
      const signposting = outcome.urgent ? context.crisisResources : null;
      const verdict: VerdictToApply = { status: outcome.status, body: outcome.body, signposting };
      const fields = maskedFields(outcome);
      if (fields) verdict.fields = fields;
      await source.applyVerdict(tx, subject, verdict);
      created.followUp = await source.followVerdicts?.(tx, [{ subject, verdict }]);

      if (outcome.status === 'held' || outcome.flagged) {
        const moderation = context.settings.moderation;
        const authorIsSupporter = subject.authorId !== null && context.moderators.has(subject.authorId);
        const { item, created: itemCreated } = await this.reviewItems.openOrMerge(tx, {
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
        // Someone may be in crisis: supporters on cover hear at once, by push and mail, with the verdict's commit.
        if (item.priority === 'urgent') {
          const staff = { settings: context.settings, supporterIds: context.supporterIds, adminIds: context.adminIds };
          created.alerts.push(await this.safeguarding.urgentOpened(tx, item, staff, now));
        }
      } else {
        await this.reviewItems.supersedeOpen(tx, subject.type, subject.id);
      }

      if (subject.authorId && outcome.urgent) {
        created.notices.push(
          await this.notices.create(
            signpostingNotice({ userId: subject.authorId, groupId: subject.groupId, subjectId: subject.id, resources: context.crisisResources }),
            tx,
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
              message: 'What you wrote was not published because it goes against the group agreement. You can appeal if you think this is wrong.',
              appealable: true,
              quote: quoteOf(subject),
            },
            tx,
          ),
        );
      }
      return { subject, verdict, outcome };
    });

    if (!result) return { skipped: true };
    for (const notice of created.notices) await this.notices.announce(notice);
    if (created.item) await this.reviewItems.announce(created.item, created.itemCreated ? 'review:new' : 'review:updated');
    await this.safeguarding.dispatch(created.alerts);
    await created.followUp?.();
    await source.afterVerdict?.(result.subject, result.verdict, result.outcome.reasons);
    return { skipped: false, status: result.outcome.status };
  }

  private async outcomeFor(subject: ScreeningSubject, context: GroupContext, now: Date): Promise<FieldsOutcome> {
    const moderation = context.settings.moderation;
    const authorIsModerator = subject.authorId !== null && context.moderators.has(subject.authorId);
    const trustAfter = Math.max(moderation.firstPostsHeld, 1);
    const authorApprovedCount = !authorIsModerator && subject.authorId ? await this.trustCount(subject.authorId, subject.groupId, trustAfter) : 0;
    const compiled = await this.rules.compiledFor(subject.groupId);
    const authorTrusted = isTrustedAuthor({ authorIsModerator, authorApprovedCount, firstPostsHeld: Math.max(moderation.firstPostsHeld, 1) });
    // Every member-written field of the subject is screened by the same rules, as one subject.
    const fields: FieldText[] = [{ field: 'body', text: subject.body }];
    if (subject.fields?.title !== undefined) fields.push({ field: 'title', text: subject.fields.title });
    if (subject.fields?.contentWarning !== undefined) fields.push({ field: 'contentWarning', text: subject.fields.contentWarning });
    return screenFields(
      fields,
      (text) => screenText(text, { rules: compiled, authorTrusted }).verdicts,
      modeVerdicts({
        mode: moderation.mode,
        firstPostsHeld: moderation.firstPostsHeld,
        authorApprovedCount,
        authorIsModerator,
        covered: isCovered(moderation.coverage, moderation.timezone, now),
        outOfCoverage: moderation.outOfCoverage,
      }),
    );
  }

  /**
   * How many items the author has had published in the group, up to `atMost`. Reaching it makes
   * the author trusted; that answer is kept for as long as group settings are (a few seconds), as
   * an active member's next posts would only count the same history again.
   */
  private async trustCount(authorId: string, groupId: string, atMost: number): Promise<number> {
    const key = `${groupId}:${authorId}:${atMost}`;
    const trustedAt = this.trusted.get(key);
    if (trustedAt !== undefined && Date.now() - trustedAt < GROUP_CONTEXT_TTL_MS) return atMost;
    const count = await this.publishedCount(authorId, groupId, atMost);
    if (count >= atMost) {
      if (this.trusted.size >= TRUSTED_CACHE_SIZE) this.trusted.clear();
      this.trusted.set(key, Date.now());
    } else {
      this.trusted.delete(key);
    }
    return count;
  }

  private async publishedCount(authorId: string, groupId: string, atMost: number): Promise<number> {
    let total = 0;
    for (const source of this.sources.all()) {
      total += await source.publishedCount(authorId, groupId, atMost - total);
      if (total >= atMost) break;
    }
    return total;
  }

  /** The item as it is now, read without a lock (through the source's batched read where it has one). */
  private async peek(source: ScreeningSource, id: string): Promise<ScreeningSubject | null> {
    if (!source.peek) return source.lockForVerdict(this.transactions.none, id);
    let reader = this.readers.get(source.type);
    if (!reader) {
      const peek = source.peek.bind(source);
      reader = new Batcher(
        async (ids: string[]) => {
          const found = new Map((await peek(ids)).map((subject) => [subject.id, subject]));
          return ids.map((one) => found.get(one) ?? null);
        },
        // One read at a time: jobs arriving meanwhile share the next. With several in flight, most
        // reads at concurrency 10 carried a single item (3,521 reads for about 4,200 jobs).
        { maxBatch: BATCH_SIZE, maxInFlight: 1 },
      );
      this.readers.set(source.type, reader);
    }
    return reader.submit(id);
  }

  /** Publishes plain verdicts a batch per transaction, superseding any open review item of theirs as applyOne would. */
  private publisher(source: ScreeningSource): Batcher<PlainPublication, ScreeningSubject | null> {
    let publisher = this.publishers.get(source.type);
    if (!publisher) {
      const publishMany = source.publishMany!.bind(source);
      const inOrder = (items: PlainPublication[], published: ScreeningSubject[]) => {
        const byId = new Map(published.map((subject) => [subject.id, subject]));
        return items.map((item) => byId.get(item.id) ?? null);
      };
      publisher = new Batcher(
        async (items: PlainPublication[]) => {
          // Only an edit (a later revision) can have an open review item: a first revision still in
          // screening was never held or flagged, so a batch of them needs no transaction where the
          // source can publish it, and write what it owes, in one statement.
          const firstRevisions = items.every((item) => item.revision === 1);
          if (firstRevisions && source.publishAlone) {
            const alone = await source.publishAlone(items);
            if (alone) {
              await this.afterPublishing(source, alone.published, alone.afterCommit);
              return inOrder(items, alone.published);
            }
          }
          let followUp: AfterCommit | undefined;
          const published = await this.transactions.run(async (tx) => {
            const published = await publishMany(tx, items);
            const edited = published.filter((subject) => subject.revision > 1).map((subject) => subject.id);
            await this.reviewItems.supersedeOpenMany(tx, source.type, edited);
            const bodies = new Map(items.map((item) => [item.id, item.body]));
            followUp = await source.followVerdicts?.(
              tx,
              published.map((subject) => ({ subject, verdict: { status: 'published', body: bodies.get(subject.id) ?? subject.body, signposting: null } })),
            );
            return published;
          });
          await this.afterPublishing(source, published, followUp);
          return inOrder(items, published);
        },
        { maxBatch: BATCH_SIZE, maxInFlight: 1 },
      );
      this.publishers.set(source.type, publisher);
    }
    return publisher;
  }

  /** Committed: a failure from here on only tells people less, and must not read as a failed publication. */
  private async afterPublishing(source: ScreeningSource, published: ScreeningSubject[], followUp: AfterCommit | undefined): Promise<void> {
    try {
      await followUp?.();
    } catch (error) {
      this.logger.warn({ err: error, subject: source.type, items: published.length }, 'after-commit work failed; the batch stays published');
    }
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
      supporterIds,
      adminIds,
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

/** The subject's other fields that the verdict masked, to be stored as masked. */
function maskedFields(outcome: FieldsOutcome): SubjectFields | undefined {
  if (!outcome.masked) return undefined;
  const fields: SubjectFields = {};
  if (outcome.masked.title !== undefined) fields.title = outcome.masked.title;
  if (outcome.masked.contentWarning !== undefined) fields.contentWarning = outcome.masked.contentWarning;
  return Object.keys(fields).length > 0 ? fields : undefined;
}

export function screeningJobId(job: ScreenJob): string {
  return `${job.subject}-${job.id}-r${job.revision}`;
}

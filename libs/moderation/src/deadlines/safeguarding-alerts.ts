import { Injectable } from '@nestjs/common';
import type { Tx } from '@kindred/database';
import { GroupSettings, GroupsService, isCovered } from '@kindred/groups';
import { NotificationEvent, NotificationsService } from '@kindred/notifications';
import type { ReviewItem } from '../review/review-item.entity';
import { claimHolder } from '../review/review-items.service';

/** What a safeguarding alert needs of its item. */
export type AlertedItem = Pick<ReviewItem, 'id' | 'groupId' | 'priority' | 'audience' | 'subjectAuthorId' | 'claimedBy' | 'claimedAt'>;

/** Who may be told about a group's items, looked up once per group and run. */
export interface GroupStaff {
  settings: Pick<GroupSettings, 'moderation'> | null;
  supporterIds: string[];
  adminIds: string[];
}

/** The supporters' review queue: the app opens there. */
const queuePath = (groupId: string) => `/community/${groupId}/review`;

/**
 * Review items reaching supporters and admins who are not looking: in the app, by push and by mail,
 * through the notifications context (`NotificationsService.notify`). Moderation names the
 * recipients; notifications never reads moderation's tables. Each event has an id of its own
 * (`review-urgent:<item>`, `review-urgent:<item>:escalated:1`, …), so a retried job or a second
 * worker never sends it twice, and each is written to the outbox in the caller's transaction,
 * so nothing is lost when no one is online or Redis is down.
 *
 * - An urgent item: every supporter of the group at once, through their quiet hours, while the
 *   group is on cover; out of cover (or with no supporters), the admins.
 * - Not claimed by its (urgent) deadline: the admins, and again at twice the deadline.
 * - Any other item past its deadline: the group's supporters once (their quiet hours apply), and
 *   the admins at twice the deadline.
 *
 * The person whose words raised the item is never told about it, a supporter in crisis included.
 * Admins here are the platform's admins, who administer every group.
 */
@Injectable()
export class SafeguardingAlerts {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly groups: GroupsService,
  ) {}

  /** The group's settings, supporters and the admins, for `urgentOpened` and the deadline steps. */
  async staffOf(groupId: string): Promise<GroupStaff> {
    const [settings, supporterIds, adminIds] = await Promise.all([this.groups.getSettings(groupId), this.groups.supporterIds(groupId), this.groups.adminIds()]);
    return { settings, supporterIds, adminIds };
  }

  /**
   * An urgent item was opened, or a held item became urgent: the on-cover supporters, at once.
   * Returns the outbox row to `dispatch` after commit (null when there was nobody to tell).
   */
  urgentOpened(tx: Tx, item: AlertedItem, staff: GroupStaff, now: Date): Promise<string | null> {
    if (item.priority !== 'urgent') return Promise.resolve(null);
    const onCover = onCoverSupporters(item, staff, now);
    return this.send(tx, item, {
      eventId: `review-urgent:${item.id}`,
      kind: 'review-urgent',
      recipients: onCover.length > 0 ? onCover : staff.adminIds,
      urgent: true,
    });
  }

  /**
   * The item passed its deadline. An urgent one nobody has claimed goes to the admins too
   * (the first escalation); the group's supporters (or the admins, for items that are theirs)
   * hear once that it is overdue.
   */
  async overdue(tx: Tx, item: AlertedItem, staff: GroupStaff, now: Date): Promise<Array<string | null>> {
    // One statement at a time: they share the transaction's connection.
    const written: Array<string | null> = [];
    // A claim that lapsed (its supporter went away) is nobody's claim.
    if (item.priority === 'urgent' && !claimHolder(item, now.getTime())) {
      written.push(
        await this.send(tx, item, { eventId: `review-urgent:${item.id}:escalated:1`, kind: 'review-urgent', recipients: staff.adminIds, urgent: true }),
      );
    }
    const supporters = item.audience === 'admins' || staff.supporterIds.length === 0 ? staff.adminIds : staff.supporterIds;
    written.push(await this.send(tx, item, { eventId: `review-overdue:${item.id}`, kind: 'review-overdue', recipients: supporters, urgent: false }));
    return written;
  }

  /** Twice the deadline and still undecided: the admins, through quiet hours for an urgent item. */
  escalated(tx: Tx, item: AlertedItem, staff: GroupStaff): Promise<string | null> {
    const urgent = item.priority === 'urgent';
    return this.send(tx, item, {
      eventId: urgent ? `review-urgent:${item.id}:escalated:2` : `review-overdue:${item.id}:escalated`,
      kind: urgent ? 'review-urgent' : 'review-overdue',
      recipients: staff.adminIds,
      urgent,
    });
  }

  /** Hands the rows written in a committed transaction to the queue at once (the outbox relay would within seconds). */
  dispatch(outboxIds: Array<string | null>): Promise<void> {
    return this.notifications.dispatch(outboxIds);
  }

  private send(tx: Tx, item: AlertedItem, event: Pick<NotificationEvent, 'eventId' | 'kind' | 'recipients' | 'urgent'>): Promise<string | null> {
    // Never the author of the words, whoever else they are.
    const recipients = event.recipients.filter((id) => id !== item.subjectAuthorId);
    return this.notifications.notify({ ...event, recipients, groupId: item.groupId, subjectId: item.id, path: queuePath(item.groupId) }, tx);
  }
}

/** The group's supporters while it is on cover now; none out of cover. */
export function onCoverSupporters(item: Pick<AlertedItem, 'subjectAuthorId'>, staff: GroupStaff, now: Date): string[] {
  const moderation = staff.settings?.moderation;
  if (!moderation || !isCovered(moderation.coverage, moderation.timezone, now)) return [];
  return staff.supporterIds.filter((id) => id !== item.subjectAuthorId);
}

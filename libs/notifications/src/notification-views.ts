import { defaultTitle } from './notification-copy';
import { mergeKinds, NotificationKind, NotificationPreferences } from './notification-kinds';
import type { NotificationRow } from './notifications.repository';
import type { StoredPreferences } from './preferences.repository';

/** A notification as its recipient sees it (API.md, `GET /me/notifications`). */
export interface NotificationView {
  id: string;
  kind: NotificationKind;
  groupId: string | null;
  subjectId: string | null;
  title: string;
  createdAt: Date;
  readAt: Date | null;
}

/** A person's settings: what they stored, the defaults for whatever they never chose. */
export function toPreferences(stored: StoredPreferences | null): NotificationPreferences {
  return {
    timezone: stored?.timezone ?? 'UTC',
    quietHours: stored?.quietFrom && stored.quietTo ? { from: stored.quietFrom, to: stored.quietTo } : null,
    kinds: mergeKinds(stored?.kinds ?? {}),
    showDetails: stored?.showDetails ?? false,
  };
}

/** A notification row as its recipient sees it; a reaction's title always follows its count. */
export function toView(row: NotificationRow): NotificationView {
  return {
    id: row.id,
    kind: row.kind,
    groupId: row.groupId,
    subjectId: row.subjectId,
    title: row.kind === 'reaction' ? defaultTitle('reaction', row.count) : row.title,
    createdAt: row.createdAt,
    readAt: row.readAt,
  };
}

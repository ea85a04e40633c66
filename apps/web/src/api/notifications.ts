/**
 * The notifications endpoints (GET /me/notifications, preferences, push subscriptions). Called
 * through the same fetch, token and problem+json handling as the generated client (`ok`).
 */
import { ok } from './client';
import { csrfToken } from './core';

export type NotificationKind =
  | 'reply'
  | 'mention'
  | 'moderation'
  | 'application'
  | 'agreement'
  | 'sanction'
  | 'report-outcome'
  | 'review-urgent'
  | 'review-overdue'
  | 'mentoring'
  | (string & {});

export interface AppNotification {
  id: string;
  kind: NotificationKind;
  groupId: string | null;
  subjectId: string | null;
  title: string;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationPage {
  items: AppNotification[];
  nextCursor?: string | null;
  unread: number;
}

export type EmailChoice = 'off' | 'immediate' | 'digest';

export interface KindPreference {
  push: boolean;
  email: EmailChoice;
  /** Sent even in quiet hours; present when the server offers the choice for the kind. */
  neverQuiet?: boolean;
}

export interface NotificationPreferences {
  timezone: string;
  quietHours: { from: string; to: string } | null;
  kinds: Record<string, KindPreference>;
  /** Opt-in: alerts and emails may name the group (never anyone's words or a condition). */
  showDetails?: boolean;
}

async function call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<{ data?: T; error?: unknown; response: Response }> {
  const headers = new Headers({ Accept: 'application/json' });
  // The session travels in its HttpOnly cookie; an unsafe request proves it came from this page.
  const csrf = method === 'GET' ? null : csrfToken();
  if (csrf) headers.set('X-CSRF-Token', csrf);
  if (body !== undefined) headers.set('Content-Type', 'application/json');
  const response = await fetch(new URL(path, window.location.origin), {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = response.status === 204 ? '' : await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return response.ok ? { data: parsed as T, response } : { error: parsed, response };
}

export const notificationsApi = {
  list: (cursor?: string) => ok(call<NotificationPage>('GET', `/me/notifications${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`)),
  markRead: (ids: string[]) => ok(call<never>('POST', '/me/notifications/read', { ids })),
  markAllRead: () => ok(call<never>('POST', '/me/notifications/read', { all: true })),
  preferences: () => ok(call<NotificationPreferences>('GET', '/me/notification-preferences')),
  savePreferences: (preferences: NotificationPreferences) => ok(call<NotificationPreferences>('PUT', '/me/notification-preferences', preferences)),
  vapidPublicKey: () => ok(call<{ key: string }>('GET', '/push/vapid-public-key')),
  subscribe: (subscription: PushSubscriptionJSON) => ok(call<{ id: string }>('POST', '/me/push-subscriptions', subscription)),
  unsubscribe: (id: string) => ok(call<never>('DELETE', `/me/push-subscriptions/${encodeURIComponent(id)}`)),
  /** A mailed unsubscribe link's token: no session needed. */
  unsubscribeEmail: (token: string) => ok(call<unknown>('POST', `/unsubscribe?token=${encodeURIComponent(token)}`)),
};

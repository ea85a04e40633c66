import { ApiProperty } from '@nestjs/swagger';
import { NOTIFICATION_KINDS, type KindPreference, type NotificationPreferences, type NotificationView as Notification } from '@kindred/notifications';
import type { Wire } from '../openapi';

export class NotificationView implements Wire<Notification> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: NOTIFICATION_KINDS })
  kind: Notification['kind'];

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  groupId: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  subjectId: string | null;

  @ApiProperty({ description: 'What happened, in the app only (a decision may name its clause).' })
  title: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  readAt: string | null;
}

export class NotificationPageView {
  @ApiProperty({ type: [NotificationView] })
  items: NotificationView[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;

  @ApiProperty({ type: 'integer', description: 'How many of the caller’s notifications are unread.' })
  unread: number;
}

class KindPreferenceView implements Wire<KindPreference> {
  @ApiProperty()
  push: boolean;

  @ApiProperty({ enum: ['off', 'immediate', 'digest'] })
  email: KindPreference['email'];

  @ApiProperty({ description: 'Sent even in quiet hours.' })
  neverQuiet: boolean;
}

class QuietHoursView {
  @ApiProperty({ example: '22:00' })
  from: string;

  @ApiProperty({ example: '07:00' })
  to: string;
}

export class NotificationPreferencesView implements Wire<NotificationPreferences> {
  @ApiProperty({ example: 'Europe/London' })
  timezone: string;

  @ApiProperty({ type: QuietHoursView, nullable: true })
  quietHours: QuietHoursView | null;

  @ApiProperty({
    type: 'object',
    description: 'Every kind with its setting.',
    properties: Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, { $ref: '#/components/schemas/KindPreferenceView' }])) as never,
    required: [...NOTIFICATION_KINDS],
  })
  kinds: NotificationPreferences['kinds'];

  @ApiProperty()
  showDetails: boolean;
}

export { KindPreferenceView };

export class VapidKeyView {
  @ApiProperty({ description: 'The VAPID public key (base64url), for `pushManager.subscribe({ applicationServerKey })`.' })
  key: string;
}

export class CreatedIdView {
  @ApiProperty({ format: 'uuid' })
  id: string;
}

export class UnsubscribedView {
  @ApiProperty({ enum: ['unsubscribed'] })
  status: 'unsubscribed';
}

import { Injectable } from '@nestjs/common';
import type { Tx } from '@kindred/database';
import type { PersonalDataContributor } from '@kindred/identity';
import { DeliveriesRepository } from './deliveries.repository';
import { NotificationsRepository } from './notifications.repository';
import { PreferencesRepository } from './preferences.repository';
import { PushSubscriptionsRepository } from './push-subscriptions.repository';

/** A person's notifications, notification settings and push devices. */
@Injectable()
export class NotificationsPersonalData implements PersonalDataContributor {
  readonly section = 'notifications';

  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly preferences: PreferencesRepository,
    private readonly subscriptions: PushSubscriptionsRepository,
    private readonly deliveries: DeliveriesRepository,
  ) {}

  async export(userId: string): Promise<unknown> {
    const [notifications, preferences, devices] = await Promise.all([
      this.notifications.exportFor(userId),
      this.preferences.exportFor(userId),
      this.subscriptions.exportFor(userId),
    ]);
    return { notifications, preferences: preferences[0] ?? null, pushSubscriptions: devices };
  }

  async erase(tx: Tx, userId: string): Promise<void> {
    await this.deliveries.eraseFor(tx, userId);
    await this.notifications.eraseFor(tx, userId);
    await this.preferences.eraseFor(tx, userId);
    await this.subscriptions.eraseFor(tx, userId);
  }
}

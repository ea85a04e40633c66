import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Transactions } from '@kindred/database';
import { IdentityModule, PersonalDataRegistry } from '@kindred/identity';
import { MailModule } from '@kindred/mail';
import { DeliveriesRepository } from './deliveries.repository';
import { NotificationDelivery } from './delivery/notification-delivery.service';
import { NotificationFanOut } from './delivery/notification-fan-out';
import { PushSender } from './delivery/push-sender';
import { VapidKeys } from './delivery/vapid-keys';
import { Notice } from './notice.entity';
import { NoticesPersonalData } from './notices-personal-data';
import { NoticesRepository } from './notices.repository';
import { NoticesService } from './notices.service';
import { NotificationsPersonalData } from './notifications-personal-data';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';
import { PreferencesRepository } from './preferences.repository';
import { PushSubscriptionsRepository } from './push-subscriptions.repository';

@Module({
  imports: [TypeOrmModule.forFeature([Notice]), IdentityModule, MailModule],
  providers: [
    Transactions,
    NoticesRepository,
    NoticesService,
    NoticesPersonalData,
    NotificationsRepository,
    PreferencesRepository,
    PushSubscriptionsRepository,
    DeliveriesRepository,
    VapidKeys,
    PushSender,
    NotificationFanOut,
    NotificationsService,
    NotificationDelivery,
    NotificationsPersonalData,
  ],
  exports: [NoticesService, NotificationsService, NotificationDelivery],
})
export class NotificationsModule implements OnModuleInit {
  constructor(
    private readonly personalData: PersonalDataRegistry,
    private readonly noticesData: NoticesPersonalData,
    private readonly notificationsData: NotificationsPersonalData,
  ) {}

  onModuleInit(): void {
    this.personalData.register(this.noticesData);
    this.personalData.register(this.notificationsData);
  }
}

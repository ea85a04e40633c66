import { Injectable } from '@nestjs/common';
import { generateVAPIDKeys } from 'web-push';
import { PushSubscriptionsRepository } from '../push-subscriptions.repository';

/**
 * The VAPID key pair pushes are signed with: made by the first process that needs it and kept in
 * the database (`vapid_keys`), so every process and every restart signs with the same key and
 * browsers' subscriptions stay valid.
 */
@Injectable()
export class VapidKeys {
  private cached?: Promise<{ publicKey: string; privateKey: string }>;

  constructor(private readonly repository: PushSubscriptionsRepository) {}

  keys(): Promise<{ publicKey: string; privateKey: string }> {
    this.cached ??= this.repository
      .vapidKeys(() => generateVAPIDKeys())
      .catch((error: unknown) => {
        this.cached = undefined;
        throw error;
      });
    return this.cached;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { generateRequestDetails } from 'web-push';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { VapidKeys } from './vapid-keys';

/** What a push carries to the service worker: fixed, discreet words and where to open. */
export interface PushPayload {
  /** The notification's id: the service worker shows it with this tag, so a repeat replaces rather than adds. */
  id: string;
  kind: string;
  title: string;
  body: string;
  url: string;
}

export type PushOutcome = 'sent' | 'gone';

export class PushFailed extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * Sends one encrypted push (RFC 8291 aes128gcm, VAPID RFC 8292) to one browser's push service,
 * with the request web-push builds, over fetch. 201 is sent; 404 and 410 mean the browser dropped
 * the subscription ('gone'); anything else throws, and the delivery is retried.
 */
@Injectable()
export class PushSender {
  constructor(
    @Inject(APP_CONFIG) private readonly config: KindredConfig,
    private readonly vapid: VapidKeys,
  ) {}

  async send(subscription: { endpoint: string; p256dh: string; auth: string }, payload: PushPayload, options: { urgent: boolean }): Promise<PushOutcome> {
    const { publicKey, privateKey } = await this.vapid.keys();
    const request = generateRequestDetails(
      { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
      JSON.stringify(payload),
      {
        vapidDetails: { subject: this.config.notifications.vapidSubject, publicKey, privateKey },
        TTL: options.urgent ? 3600 : 24 * 3600,
        urgency: options.urgent ? 'high' : 'normal',
        // A push service replaces a waiting push with the same topic, so a resend of this one never adds a second.
        topic: payload.id.replace(/-/g, '').slice(0, 32),
      },
    );
    const timeoutMs = Math.floor(Math.min(10_000, (this.config.notifications.claimSeconds * 1000) / 3));
    const response = await fetch(request.endpoint, {
      method: request.method,
      headers: request.headers as Record<string, string>,
      body: request.body,
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return 'sent';
    if (response.status === 404 || response.status === 410) return 'gone';
    throw new PushFailed(`push service answered ${response.status}`, response.status);
  }
}

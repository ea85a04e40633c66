import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import type { MailJob } from '@kindred/queues';
import { RedisService } from '@kindred/redis';
import { MailMessage, renderMail } from './mail-templates';

/** How long a claim to send a message holds when its sender dies mid-send; a retry after it may send. */
const CLAIM_SECONDS = 300;
/** How long a sent message is remembered, so a late duplicate of its job sends nothing. */
const SENT_SECONDS = 7 * 24 * 3600;

/**
 * Sends one queued mail over SMTP (nodemailer, SMTP_URL), at most once per message id: the id is
 * claimed in Redis before sending and marked sent after, so a retried or duplicated job whose mail
 * already went out does nothing. A failure releases the claim and throws, and BullMQ retries the
 * job with exponential backoff. Logs the message id and template, never the address.
 */
@Injectable()
export class MailSender implements OnApplicationShutdown {
  private readonly logger = new Logger(MailSender.name);
  private transport?: Transporter;

  constructor(
    @Inject(APP_CONFIG) private readonly config: KindredConfig,
    private readonly redis: RedisService,
  ) {}

  /**
   * `claimSeconds`: how long this attempt's claim holds if it dies mid-send (a caller with a claim
   * of its own, as notifications keep in the database, passes the same, so a retry is not held
   * back longer than that claim).
   */
  async deliver(job: MailJob, options: { claimSeconds?: number } = {}): Promise<'sent' | 'already-sent'> {
    const rendered = renderMail(job.message as MailMessage);
    const key = this.redis.key('mail-sent', job.messageId);
    const claimed = await this.redis.client.set(key, 'sending', 'EX', options.claimSeconds ?? CLAIM_SECONDS, 'NX');
    if (claimed === null) {
      if ((await this.redis.client.get(key)) === 'sent') {
        this.logger.log({ messageId: job.messageId, template: job.message.template }, 'mail already sent; duplicate job ignored');
        return 'already-sent';
      }
      throw new Error(`mail ${job.messageId} is being sent by another attempt`);
    }
    try {
      this.transport ??= createTransport(this.config.mail.smtpUrl);
      await this.transport.sendMail({
        from: this.config.mail.from,
        to: job.to,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        headers: rendered.headers,
        messageId: `<${job.messageId}@kindred>`,
      });
    } catch (error) {
      await this.redis.client.del(key).catch(() => undefined);
      throw error;
    }
    await this.redis.client.set(key, 'sent', 'EX', SENT_SECONDS);
    this.logger.log({ messageId: job.messageId, template: job.message.template }, 'mail sent');
    return 'sent';
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}

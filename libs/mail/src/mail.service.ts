import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { QueueProducer } from '@kindred/queues';
import { MailMessage } from './mail-templates';

/** Retries over about half an hour (2 s, 4 s, … 17 min) before a mail is given up. */
const MAIL_JOB = { attempts: 10, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: true, removeOnFail: true } as const;

/**
 * Asks for a mail: puts it on the `mail` queue, which the forum's mail sender works through
 * (MailSender). Never throws: a mail that cannot be queued (Redis down) is logged and reported as
 * not queued, so the caller's answer does not change with it.
 */
@Injectable()
export class MailService {
  private readonly logger = new Logger(MailService.name);

  constructor(private readonly producer: QueueProducer) {}

  /** `messageId` names the message for good (a retry or a second request with it sends nothing more); by default a new one. */
  async send(to: string, message: MailMessage, messageId = `mail-${randomUUID()}`): Promise<boolean> {
    try {
      await this.producer.enqueue('mail', 'send', { messageId, to, message }, { ...MAIL_JOB, jobId: messageId });
      return true;
    } catch (error) {
      this.logger.warn({ messageId, template: message.template, err: (error as Error).message }, 'mail not queued');
      return false;
    }
  }
}

import { Module } from '@nestjs/common';
import { MailSender } from './mail-sender.service';
import { MailService } from './mail.service';

/** The mail channel: MailService queues a mail, MailSender (run by the forum's mail job handler) sends it. */
@Module({
  providers: [MailService, MailSender],
  exports: [MailService, MailSender],
})
export class MailModule {}

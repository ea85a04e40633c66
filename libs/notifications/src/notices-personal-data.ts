import { Injectable } from '@nestjs/common';
import type { Tx } from '@kindred/database';
import type { PersonalDataContributor } from '@kindred/identity';
import { NoticesRepository } from './notices.repository';

/** Notices sent to a member (decisions about their words, signposting, application outcomes). */
@Injectable()
export class NoticesPersonalData implements PersonalDataContributor {
  readonly section = 'notices';

  constructor(private readonly notices: NoticesRepository) {}

  export(userId: string): Promise<unknown> {
    return this.notices.exportFor(userId);
  }

  erase(tx: Tx, userId: string): Promise<void> {
    return this.notices.eraseFor(tx, userId);
  }
}

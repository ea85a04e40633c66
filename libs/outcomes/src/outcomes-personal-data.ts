import { Injectable } from '@nestjs/common';
import type { Tx } from '@kindred/database';
import type { PersonalDataContributor } from '@kindred/identity';
import { CommissionersRepository } from './commissioners/commissioners.repository';
import { QuestionnairesRepository } from './questionnaires/questionnaires.repository';
import { VoiceRepository } from './voice/voice.repository';

/**
 * Outcome questionnaires sent to a member and their answers (how they feel about living with their
 * condition: health data, theirs), any commissioner role they hold, the feedback they sent and their
 * comments on agreement proposals. Exported whole; erased
 * with the account. The impact report keeps no copy: its figures are counted afresh each time.
 */
@Injectable()
export class OutcomesPersonalData implements PersonalDataContributor {
  readonly section = 'outcomes';

  constructor(
    private readonly questionnaires: QuestionnairesRepository,
    private readonly commissioners: CommissionersRepository,
    private readonly voice: VoiceRepository,
  ) {}

  async export(userId: string): Promise<unknown> {
    const [questionnaires, commissionerGrants, voice] = await Promise.all([
      this.questionnaires.exportFor(userId),
      this.commissioners.exportFor(userId),
      this.voice.exportFor(userId),
    ]);
    return { questionnaires, commissionerGrants, ...voice };
  }

  async erase(tx: Tx, userId: string): Promise<void> {
    await this.questionnaires.eraseFor(tx, userId);
    await this.commissioners.eraseFor(tx, userId);
    await this.voice.eraseFor(tx, userId);
  }
}

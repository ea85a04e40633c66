import { Injectable } from '@nestjs/common';
import type { Tx } from '@kindred/database';
import type { PersonalDataContributor } from '@kindred/identity';
import { AppealsRepository } from './appeals/appeals.repository';
import { ModerationAlertsRepository } from './deadlines/moderation-alerts.repository';
import { ContentReportsRepository } from './reports/content-reports.repository';
import { EnforcementHistoryRepository } from './review/enforcement-history.repository';
import { ReviewItemsRepository } from './review/review-items.repository';

/**
 * What moderation holds about a member as a person: reports they made, appeals they wrote, alerts
 * sent to them as a supporter, and their enforcement history. The audit log keeps ids only and is
 * left as it is: it is the record of what moderators did.
 */
@Injectable()
export class ModerationPersonalData implements PersonalDataContributor {
  readonly section = 'moderation';

  constructor(
    private readonly reports: ContentReportsRepository,
    private readonly appeals: AppealsRepository,
    private readonly alerts: ModerationAlertsRepository,
    private readonly history: EnforcementHistoryRepository,
    private readonly items: ReviewItemsRepository,
  ) {}

  async export(userId: string): Promise<unknown> {
    const [reportsMade, appeals, alerts, enforcementHistory, keptWords] = await Promise.all([
      this.reports.exportFor(userId),
      this.appeals.exportFor(userId),
      this.alerts.exportFor(userId),
      this.history.exportFor(userId),
      // Words the member edited or deleted that an open urgent review still keeps for a supporter to read.
      this.items.keptWordsOf(userId),
    ]);
    return { reportsMade, appeals, alerts, enforcementHistory, keptWords };
  }

  async erase(tx: Tx, userId: string): Promise<void> {
    await this.appeals.eraseFor(tx, userId);
    await this.reports.eraseFor(tx, userId);
    await this.alerts.eraseFor(tx, userId);
    await this.history.eraseFor(tx, userId);
  }
}

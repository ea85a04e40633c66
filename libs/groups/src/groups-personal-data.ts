import { Injectable } from '@nestjs/common';
import type { Tx } from '@kindred/database';
import type { PersonalDataContributor } from '@kindred/identity';
import { AgreementsRepository } from './agreements/agreements.repository';
import { ApplicationsRepository } from './applications/applications.repository';
import { SupporterInvitationsRepository } from './invitations/supporter-invitations.repository';
import { MembershipsRepository } from './membership/memberships.repository';

/** Memberships, applications (with their answers) and agreement acceptances. */
@Injectable()
export class GroupsPersonalData implements PersonalDataContributor {
  readonly section = 'groups';

  constructor(
    private readonly memberships: MembershipsRepository,
    private readonly applications: ApplicationsRepository,
    private readonly agreements: AgreementsRepository,
    private readonly invitations: SupporterInvitationsRepository,
  ) {}

  async export(userId: string): Promise<unknown> {
    const [memberships, applications, acceptances] = await Promise.all([
      this.memberships.exportFor(userId),
      this.applications.exportFor(userId),
      this.agreements.acceptancesOf(userId),
    ]);
    return { memberships, applications, agreementAcceptances: acceptances };
  }

  async erase(tx: Tx, userId: string): Promise<void> {
    await this.applications.eraseFor(tx, userId);
    await this.agreements.eraseAcceptancesOf(tx, userId);
    await this.memberships.eraseFor(tx, userId);
    await this.invitations.eraseFor(tx, userId);
  }
}

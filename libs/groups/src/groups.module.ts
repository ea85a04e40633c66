import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Transactions } from '@kindred/database';
import { IdentityModule, PersonalDataRegistry } from '@kindred/identity';
import { MailModule } from '@kindred/mail';
import { NotificationsModule } from '@kindred/notifications';
import { SignpostingModule } from '@kindred/signposting';
import { AgreementAcceptance } from './agreements/agreement-acceptance.entity';
import { AgreementVersion } from './agreements/agreement-version.entity';
import { AgreementsRepository } from './agreements/agreements.repository';
import { AgreementsService } from './agreements/agreements.service';
import { Application } from './applications/application.entity';
import { ApplicationsRepository } from './applications/applications.repository';
import { ApplicationsService } from './applications/applications.service';
import { Group } from './group/group.entity';
import { GroupsRepository } from './group/groups.repository';
import { GroupsService } from './group/groups.service';
import { GroupsPersonalData } from './groups-personal-data';
import { Membership } from './membership/membership.entity';
import { MembershipService } from './membership/membership.service';
import { MembershipsRepository } from './membership/memberships.repository';
import { ParticipationService } from './membership/participation.service';
import { ReferralCode } from './referral-codes/referral-code.entity';
import { ReferralCodesRepository } from './referral-codes/referral-codes.repository';
import { ReferralCodesService } from './referral-codes/referral-codes.service';
import { GroupResourcesService } from './resources/group-resources.service';
import { ConfigurationTrail } from './configuration-trail';
import { SupporterInvitationsRepository } from './invitations/supporter-invitations.repository';
import { SupporterInvitationsService } from './invitations/supporter-invitations.service';

const REPOSITORIES = [
  GroupsRepository,
  AgreementsRepository,
  MembershipsRepository,
  ApplicationsRepository,
  ReferralCodesRepository,
  SupporterInvitationsRepository,
];
const SERVICES = [
  GroupsService,
  AgreementsService,
  ParticipationService,
  MembershipService,
  ApplicationsService,
  ReferralCodesService,
  GroupResourcesService,
  SupporterInvitationsService,
];

@Module({
  imports: [
    TypeOrmModule.forFeature([Group, AgreementVersion, AgreementAcceptance, Membership, Application, ReferralCode]),
    IdentityModule,
    NotificationsModule,
    SignpostingModule,
    MailModule,
  ],
  providers: [...REPOSITORIES, ...SERVICES, Transactions, GroupsPersonalData, ConfigurationTrail],
  exports: [...SERVICES, ConfigurationTrail],
})
export class GroupsModule implements OnModuleInit {
  constructor(
    private readonly personalData: PersonalDataRegistry,
    private readonly groupsData: GroupsPersonalData,
  ) {}

  onModuleInit(): void {
    this.personalData.register(this.groupsData);
  }
}

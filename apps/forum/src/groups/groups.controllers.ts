import { AgreementsController } from './agreements.controller';
import { ApplicationsController } from './applications.controller';
import { GroupsController } from './groups.controller';
import { MembershipsController } from './memberships.controller';
import { ProfilesController } from './profiles.controller';
import { ReferralCodesController } from './referral-codes.controller';
import { ResourcesController } from './resources.controller';
import { SupporterInvitationsController } from './supporter-invitations.controller';

/** Every controller of groups, agreements, membership and signposting, for the forum app to mount. */
export const GROUPS_CONTROLLERS = [
  GroupsController,
  AgreementsController,
  ApplicationsController,
  ReferralCodesController,
  MembershipsController,
  ProfilesController,
  ResourcesController,
  SupporterInvitationsController,
];

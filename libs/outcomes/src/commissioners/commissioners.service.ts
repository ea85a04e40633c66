import { Injectable } from '@nestjs/common';
import { DomainError } from '@kindred/domain';
import { GroupsService } from '@kindred/groups';
import { AuthUser, IdentityService } from '@kindred/identity';
import { assertUuid } from '../ids';
import { CommissionerGrant, CommissionersRepository } from './commissioners.repository';

/** Which groups' aggregates a person may read: every group (`platform`), or the groups listed. */
export interface ImpactAccess {
  platform: boolean;
  groupIds: string[];
}

/**
 * Commissioners read the impact report's aggregates and nothing else: a role granted by platform
 * admins, for one group or for the whole platform. It gives no membership and no member-level data.
 */
@Injectable()
export class CommissionersService {
  constructor(
    private readonly grants: CommissionersRepository,
    private readonly groups: GroupsService,
    private readonly identity: IdentityService,
  ) {}

  list(admin: AuthUser): Promise<CommissionerGrant[]> {
    assertPlatformAdmin(admin);
    return this.grants.list();
  }

  async grant(admin: AuthUser, userId: string, groupId: string | null): Promise<CommissionerGrant> {
    assertPlatformAdmin(admin);
    assertUuid(userId, 'That person');
    if (!(await this.identity.findUser(userId))) throw DomainError.notFound('That person');
    if (groupId !== null) {
      assertUuid(groupId, 'That group');
      await this.groups.assertExists(groupId);
    }
    return this.grants.grant(userId, groupId, admin.id);
  }

  async revoke(admin: AuthUser, grantId: string): Promise<void> {
    assertPlatformAdmin(admin);
    assertUuid(grantId, 'That grant');
    if (!(await this.grants.revoke(grantId))) throw DomainError.notFound('That grant');
  }

  /** True when the person holds any commissioner grant: they count as staff for two-step sign-in. */
  async isCommissioner(userId: string): Promise<boolean> {
    return (await this.grants.grantsOf(userId)).length > 0;
  }

  /** What the person may read of the impact report: admins everything, commissioners their grants. */
  async accessOf(user: AuthUser): Promise<ImpactAccess> {
    if (user.isAdmin) return { platform: true, groupIds: [] };
    const grants = await this.grants.grantsOf(user.id);
    return { platform: grants.some((g) => g.groupId === null), groupIds: grants.flatMap((g) => (g.groupId ? [g.groupId] : [])) };
  }
}

function assertPlatformAdmin(user: AuthUser): void {
  if (!user.isAdmin) throw DomainError.forbidden('Only platform admins can grant or end the commissioner role.');
}

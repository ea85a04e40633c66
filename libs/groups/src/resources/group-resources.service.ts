import { Injectable } from '@nestjs/common';
import { DomainError } from '@kindred/http';
import type { AuthUser } from '@kindred/identity';
import { ResourceInput, ResourceView, SignpostingService } from '@kindred/signposting';
import { assertUuid } from '../ids';
import { GroupsService } from '../group/groups.service';

/**
 * A group's signposting directory as the API serves it: the signposting context keeps the entries,
 * this checks that the group exists and who may change them.
 */
@Injectable()
export class GroupResourcesService {
  constructor(
    private readonly groups: GroupsService,
    private readonly signposting: SignpostingService,
  ) {}

  async list(groupId: string): Promise<{ items: ResourceView[] }> {
    await this.groups.assertExists(groupId);
    return { items: await this.signposting.resources(groupId) };
  }

  async add(user: AuthUser, groupId: string, input: ResourceInput): Promise<ResourceView> {
    this.assertAdmin(user);
    await this.groups.assertExists(groupId);
    return this.signposting.add(groupId, input);
  }

  async remove(user: AuthUser, groupId: string, resourceId: string): Promise<void> {
    this.assertAdmin(user);
    await this.groups.assertExists(groupId);
    assertUuid(resourceId, 'That resource');
    if (!(await this.signposting.remove(groupId, resourceId))) throw DomainError.notFound('That resource');
  }

  private assertAdmin(user: AuthUser): void {
    if (!user.isAdmin) throw DomainError.forbidden("Only admins can change a group's signposting directory.");
  }
}

import { Injectable } from '@nestjs/common';
import type { Tx } from '@kindred/database';
import { ResourceInput, UK_DEFAULT_RESOURCES } from './default-resources';
import { Resource, ResourceKind } from './resource.entity';
import { NewResource, ResourcesRepository } from './resources.repository';

/** A directory entry as clients see it; absent contact routes are left out. */
export interface ResourceView {
  id: string;
  kind: ResourceKind;
  title: string;
  description: string;
  phone?: string;
  sms?: string;
  url?: string;
  hours?: string;
}

/**
 * Each group's signposting directory. It does not check who is asking or whether the group
 * exists: the groups context does that before calling (it owns groups and roles).
 */
@Injectable()
export class SignpostingService {
  constructor(private readonly repository: ResourcesRepository) {}

  async resources(groupId: string): Promise<ResourceView[]> {
    return (await this.repository.list(groupId)).map(toView);
  }

  /** The crisis lines, to show with a crisis notice and next to held crisis posts. */
  async crisisResources(groupId: string): Promise<ResourceView[]> {
    return (await this.repository.list(groupId, 'crisis')).map(toView);
  }

  /** Adds an entry at the end of the directory. */
  async add(groupId: string, input: ResourceInput): Promise<ResourceView> {
    return toView(await this.repository.append(toRow(groupId, input)));
  }

  /** Removes an entry of this group; false when there is no such entry in it. */
  remove(groupId: string, resourceId: string): Promise<boolean> {
    return this.repository.remove(groupId, resourceId);
  }

  /** Gives a new group the UK crisis lines, inside the transaction that creates it. */
  async seedDefaults(groupId: string, tx: Tx): Promise<void> {
    await this.repository.insertAll(
      tx,
      UK_DEFAULT_RESOURCES.map((input) => toRow(groupId, input)),
    );
  }
}

function toRow(groupId: string, input: ResourceInput): NewResource {
  return {
    groupId,
    kind: input.kind,
    title: input.title.trim(),
    description: input.description?.trim() ?? '',
    phone: input.phone?.trim() || null,
    sms: input.sms?.trim() || null,
    url: input.url?.trim() || null,
    hours: input.hours?.trim() || null,
  };
}

function toView(r: Resource): ResourceView {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    description: r.description,
    ...(r.phone ? { phone: r.phone } : {}),
    ...(r.sms ? { sms: r.sms } : {}),
    ...(r.url ? { url: r.url } : {}),
    ...(r.hours ? { hours: r.hours } : {}),
  };
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ResourceInput, UK_DEFAULT_RESOURCES } from './default-resources';
import { Resource, ResourceKind } from './resource.entity';

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
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async resources(groupId: string): Promise<ResourceView[]> {
    const rows = await this.dataSource.getRepository(Resource).find({ where: { groupId }, order: { position: 'ASC', createdAt: 'ASC', id: 'ASC' } });
    return rows.map(toView);
  }

  /** The crisis lines, to show with a crisis notice and next to held crisis posts. */
  async crisisResources(groupId: string): Promise<ResourceView[]> {
    const rows = await this.dataSource
      .getRepository(Resource)
      .find({ where: { groupId, kind: 'crisis' }, order: { position: 'ASC', createdAt: 'ASC', id: 'ASC' } });
    return rows.map(toView);
  }

  /** Adds an entry at the end of the directory. */
  async add(groupId: string, input: ResourceInput): Promise<ResourceView> {
    return this.dataSource.transaction(async (manager) => {
      // Serialise additions per group so positions stay distinct.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('resources:' || $1))`, [groupId]);
      const [{ next }] = (await manager.query(`SELECT COALESCE(max(position) + 1, 0) AS next FROM resources WHERE group_id = $1`, [groupId])) as [
        { next: number },
      ];
      const row = manager.create(Resource, { ...toRow(groupId, input), position: Number(next) });
      await manager.insert(Resource, row);
      return toView(row);
    });
  }

  /** Removes an entry of this group; false when there is no such entry in it. */
  async remove(groupId: string, resourceId: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(Resource).delete({ id: resourceId, groupId });
    return (result.affected ?? 0) > 0;
  }

  /** Gives a new group the UK crisis lines, inside the transaction that creates it. */
  async seedDefaults(groupId: string, manager: EntityManager): Promise<void> {
    await manager.insert(
      Resource,
      UK_DEFAULT_RESOURCES.map((input, position) => ({ ...toRow(groupId, input), position })),
    );
  }
}

function toRow(groupId: string, input: ResourceInput): Partial<Resource> {
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

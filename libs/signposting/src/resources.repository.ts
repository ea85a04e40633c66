import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { manager, type Tx } from '@kindred/database';
import { Resource, ResourceKind } from './resource.entity';

export type NewResource = Pick<Resource, 'groupId' | 'kind' | 'title' | 'description' | 'phone' | 'sms' | 'url' | 'hours'>;

const ORDER = { position: 'ASC', createdAt: 'ASC', id: 'ASC' } as const;

/** `resources`: each group's directory, in its order. */
@Injectable()
export class ResourcesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  list(groupId: string, kind?: ResourceKind): Promise<Resource[]> {
    return this.dataSource.getRepository(Resource).find({ where: kind ? { groupId, kind } : { groupId }, order: ORDER });
  }

  /** Adds at the end of the group's directory; additions to one group are serialised so positions stay distinct. */
  append(values: NewResource): Promise<Resource> {
    return this.dataSource.transaction(async (entityManager) => {
      await entityManager.query(`SELECT pg_advisory_xact_lock(hashtext('resources:' || $1))`, [values.groupId]);
      const [{ next }] = (await entityManager.query(`SELECT COALESCE(max(position) + 1, 0) AS next FROM resources WHERE group_id = $1`, [values.groupId])) as [
        { next: number },
      ];
      const row = entityManager.create(Resource, { ...values, position: Number(next) });
      await entityManager.insert(Resource, row);
      return row;
    });
  }

  /** Inserts entries in the given order, in the caller's transaction. */
  async insertAll(tx: Tx, entries: NewResource[]): Promise<void> {
    await manager(tx).insert(
      Resource,
      entries.map((entry, position) => ({ ...entry, position })),
    );
  }

  /** False when the group has no such entry. */
  async remove(groupId: string, id: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(Resource).delete({ id, groupId });
    return (result.affected ?? 0) > 0;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { asTx, manager, type Tx } from '@kindred/database';
import { Group } from './group.entity';

export type NewGroup = Pick<
  Group,
  'slug' | 'name' | 'description' | 'condition' | 'eligibility' | 'moderation' | 'slowModeSeconds' | 'chatRetentionDays' | 'openedAt'
>;

/** The `groups` table: every query of a group row. */
@Injectable()
export class GroupsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  find(id: string): Promise<Group | null> {
    return this.dataSource.getRepository(Group).findOne({ where: { id } });
  }

  exists(id: string): Promise<boolean> {
    return this.dataSource.getRepository(Group).exists({ where: { id } });
  }

  /** The names of these groups, by id (a group that does not exist is left out). */
  async names(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = (await this.dataSource.query(`SELECT id, name FROM groups WHERE id = ANY($1::uuid[])`, [ids])) as Array<{ id: string; name: string }>;
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  slugTaken(slug: string): Promise<boolean> {
    return this.dataSource.getRepository(Group).exists({ where: { slug } });
  }

  /** The directory by name, after the cursor's (name, id). */
  page(limit: number, after: { name: string; id: string } | null): Promise<Group[]> {
    // Drafts are never in the public directory.
    const query = this.dataSource
      .getRepository(Group)
      .createQueryBuilder('g')
      .where('g.opened_at IS NOT NULL')
      .orderBy('g.name', 'ASC')
      .addOrderBy('g.id', 'ASC')
      .limit(limit);
    if (after) query.andWhere('(g.name, g.id) > (:name, CAST(:id AS uuid))', { name: after.name, id: after.id });
    return query.getMany();
  }

  async insert(tx: Tx, values: NewGroup): Promise<Group> {
    const row = manager(tx).create(Group, values);
    await manager(tx).insert(Group, row);
    return row;
  }

  async update(id: string, changes: Partial<NewGroup>, tx: Tx = asTx(this.dataSource.manager)): Promise<void> {
    await manager(tx).getRepository(Group).update({ id }, changes);
  }

  /** The row under FOR UPDATE, so a change and its audit entry see the same "before". */
  findForUpdate(tx: Tx, id: string): Promise<Group | null> {
    return manager(tx)
      .getRepository(Group)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Locks the group's row for the transaction (serialises agreement publishers). False when there is no such group. */
  async lock(tx: Tx, id: string): Promise<boolean> {
    const locked = (await manager(tx).query(`SELECT id FROM groups WHERE id = $1 FOR UPDATE`, [id])) as unknown[];
    return locked.length > 0;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { asTx, manager, type Tx } from '@kindred/database';
import type { RequestStatus } from './mentoring.types';

export interface StoredRequest {
  id: string;
  programmeId: string;
  groupId: string;
  menteeId: string;
  answers: Record<string, string>;
  status: RequestStatus;
  createdAt: Date;
}

type Row = {
  id: string;
  programme_id: string;
  group_id: string;
  mentee_id: string;
  answers: Record<string, string>;
  status: RequestStatus;
  created_at: Date;
};

const COLUMNS = `q.id, q.programme_id, p.group_id, q.mentee_id, q.answers, q.status, q.created_at`;

function toStored(r: Row): StoredRequest {
  return {
    id: r.id,
    programmeId: r.programme_id,
    groupId: r.group_id,
    menteeId: r.mentee_id,
    answers: r.answers,
    status: r.status,
    createdAt: new Date(r.created_at),
  };
}

/** `mentoring_requests`: a member asking for a mentor, with their answers to the matching questions. */
@Injectable()
export class RequestsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Null when the member already has an open request in the programme. */
  async insert(programmeId: string, menteeId: string, answers: Record<string, string>): Promise<string | null> {
    const rows = (await this.dataSource.query(
      `INSERT INTO mentoring_requests (programme_id, mentee_id, answers, status) VALUES ($1, $2, $3::jsonb, 'open')
       ON CONFLICT (programme_id, mentee_id) WHERE status = 'open' DO NOTHING RETURNING id`,
      [programmeId, menteeId, JSON.stringify(answers)],
    )) as Array<{ id: string }>;
    return rows[0]?.id ?? null;
  }

  async find(id: string, tx: Tx = asTx(this.dataSource.manager)): Promise<StoredRequest | null> {
    const [row] = (await manager(tx).query(`SELECT ${COLUMNS} FROM mentoring_requests q JOIN mentoring_programmes p ON p.id = q.programme_id WHERE q.id = $1`, [
      id,
    ])) as Row[];
    return row ? toStored(row) : null;
  }

  async lock(tx: Tx, id: string): Promise<StoredRequest | null> {
    const [row] = (await manager(tx).query(
      `SELECT ${COLUMNS} FROM mentoring_requests q JOIN mentoring_programmes p ON p.id = q.programme_id WHERE q.id = $1 FOR UPDATE OF q`,
      [id],
    )) as Row[];
    return row ? toStored(row) : null;
  }

  async setStatus(tx: Tx, id: string, status: RequestStatus): Promise<void> {
    await manager(tx).query(`UPDATE mentoring_requests SET status = $2 WHERE id = $1`, [id, status]);
  }

  async open(programmeId: string): Promise<StoredRequest[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM mentoring_requests q JOIN mentoring_programmes p ON p.id = q.programme_id
        WHERE q.programme_id = $1 AND q.status = 'open' ORDER BY q.created_at, q.id LIMIT 200`,
      [programmeId],
    )) as Row[];
    return rows.map(toStored);
  }

  async ofMentee(menteeId: string): Promise<StoredRequest[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM mentoring_requests q JOIN mentoring_programmes p ON p.id = q.programme_id WHERE q.mentee_id = $1 ORDER BY q.created_at DESC LIMIT 50`,
      [menteeId],
    )) as Row[];
    return rows.map(toStored);
  }

  exportFor(menteeId: string): Promise<unknown[]> {
    return this.dataSource.query(
      `SELECT q.id, p.group_id AS "groupId", q.answers, q.status, q.created_at AS "createdAt"
         FROM mentoring_requests q JOIN mentoring_programmes p ON p.id = q.programme_id WHERE q.mentee_id = $1 ORDER BY q.created_at`,
      [menteeId],
    );
  }

  async eraseMentee(tx: Tx, menteeId: string): Promise<void> {
    await manager(tx).query(`DELETE FROM mentoring_requests WHERE mentee_id = $1`, [menteeId]);
  }
}

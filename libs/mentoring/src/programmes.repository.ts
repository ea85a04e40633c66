import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { asTx, manager, type Tx } from '@kindred/database';
import type { ProgrammeSettings, ProgrammeView, TrainingRecord } from './mentoring.types';

export interface StoredMentor {
  id: string;
  programmeId: string;
  userId: string;
  answers: Record<string, string>;
  training: TrainingRecord;
  status: 'approved' | 'withdrawn';
  approvedBy: string | null;
  approvedAt: Date;
}

/** A mentor with their load (relationships proposed or running) and check-ins overdue at `now`. */
export interface MentorWithLoad extends StoredMentor {
  load: number;
  overdue: number;
}

type ProgrammeRow = {
  id: string;
  group_id: string;
  name: string;
  mentees_per_mentor: number;
  relationship_weeks: number;
  check_in_every_days: number;
  matching_questions: ProgrammeSettings['matchingQuestions'];
  created_at: Date;
  updated_at: Date;
};

type MentorRow = {
  id: string;
  programme_id: string;
  user_id: string;
  answers: Record<string, string>;
  training_modules: string[];
  trained_on: string;
  trainer: string;
  renew_by: string;
  status: 'approved' | 'withdrawn';
  approved_by: string | null;
  approved_at: Date;
};

const MENTOR_COLUMNS = `m.id, m.programme_id, m.user_id, m.answers, m.training_modules, m.trained_on::text AS trained_on, m.trainer,
  m.renew_by::text AS renew_by, m.status, m.approved_by, m.approved_at`;

function toProgramme(r: ProgrammeRow): ProgrammeView {
  return {
    id: r.id,
    groupId: r.group_id,
    name: r.name,
    menteesPerMentor: Number(r.mentees_per_mentor),
    relationshipWeeks: Number(r.relationship_weeks),
    checkInEveryDays: Number(r.check_in_every_days),
    matchingQuestions: r.matching_questions,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

function toMentor(r: MentorRow): StoredMentor {
  return {
    id: r.id,
    programmeId: r.programme_id,
    userId: r.user_id,
    answers: r.answers,
    training: { modules: r.training_modules, completedOn: r.trained_on, trainer: r.trainer, renewBy: r.renew_by },
    status: r.status,
    approvedBy: r.approved_by,
    approvedAt: new Date(r.approved_at),
  };
}

/** `mentoring_programmes` and `mentors`. */
@Injectable()
export class ProgrammesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async upsert(groupId: string, s: ProgrammeSettings): Promise<ProgrammeView> {
    const [row] = (await this.dataSource.query(
      `INSERT INTO mentoring_programmes (group_id, name, mentees_per_mentor, relationship_weeks, check_in_every_days, matching_questions)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb)
       ON CONFLICT (group_id) DO UPDATE SET name = EXCLUDED.name, mentees_per_mentor = EXCLUDED.mentees_per_mentor,
         relationship_weeks = EXCLUDED.relationship_weeks, check_in_every_days = EXCLUDED.check_in_every_days,
         matching_questions = EXCLUDED.matching_questions, updated_at = now()
       RETURNING *`,
      [groupId, s.name, s.menteesPerMentor, s.relationshipWeeks, s.checkInEveryDays, JSON.stringify(s.matchingQuestions)],
    )) as ProgrammeRow[];
    return toProgramme(row!);
  }

  async ofGroup(groupId: string): Promise<ProgrammeView | null> {
    const [row] = (await this.dataSource.query(`SELECT * FROM mentoring_programmes WHERE group_id = $1`, [groupId])) as ProgrammeRow[];
    return row ? toProgramme(row) : null;
  }

  async find(id: string, tx: Tx = asTx(this.dataSource.manager)): Promise<ProgrammeView | null> {
    const [row] = (await manager(tx).query(`SELECT * FROM mentoring_programmes WHERE id = $1`, [id])) as ProgrammeRow[];
    return row ? toProgramme(row) : null;
  }

  async upsertMentor(
    tx: Tx,
    programmeId: string,
    userId: string,
    training: TrainingRecord,
    answers: Record<string, string>,
    by: string,
  ): Promise<StoredMentor> {
    const [row] = (await manager(tx).query(
      `WITH m AS (
         INSERT INTO mentors (programme_id, user_id, answers, training_modules, trained_on, trainer, renew_by, status, approved_by)
         VALUES ($1, $2, $3::jsonb, $4::text[], $5::date, $6, $7::date, 'approved', $8)
         ON CONFLICT (programme_id, user_id) DO UPDATE SET answers = EXCLUDED.answers, training_modules = EXCLUDED.training_modules,
           trained_on = EXCLUDED.trained_on, trainer = EXCLUDED.trainer, renew_by = EXCLUDED.renew_by, status = 'approved',
           approved_by = EXCLUDED.approved_by, approved_at = now()
         RETURNING *)
       SELECT ${MENTOR_COLUMNS} FROM m`,
      [programmeId, userId, JSON.stringify(answers), training.modules, training.completedOn, training.trainer, training.renewBy, by],
    )) as MentorRow[];
    return toMentor(row!);
  }

  async withdrawMentor(tx: Tx, programmeId: string, userId: string): Promise<boolean> {
    // UPDATE … RETURNING comes back as [rows, count].
    const [rows] = (await manager(tx).query(`UPDATE mentors SET status = 'withdrawn' WHERE programme_id = $1 AND user_id = $2 RETURNING id`, [
      programmeId,
      userId,
    ])) as [unknown[], number];
    return rows.length > 0;
  }

  /** The mentor's row under FOR UPDATE: matches to one mentor are decided one at a time, so capacity holds. */
  async lockMentor(tx: Tx, programmeId: string, userId: string): Promise<StoredMentor | null> {
    const [row] = (await manager(tx).query(`SELECT ${MENTOR_COLUMNS} FROM mentors m WHERE m.programme_id = $1 AND m.user_id = $2 FOR UPDATE`, [
      programmeId,
      userId,
    ])) as MentorRow[];
    return row ? toMentor(row) : null;
  }

  async mentor(programmeId: string, userId: string): Promise<StoredMentor | null> {
    const [row] = (await this.dataSource.query(`SELECT ${MENTOR_COLUMNS} FROM mentors m WHERE m.programme_id = $1 AND m.user_id = $2`, [
      programmeId,
      userId,
    ])) as MentorRow[];
    return row ? toMentor(row) : null;
  }

  /** Every mentor of the programme with their load and overdue check-ins. */
  async mentorsWithLoad(programmeId: string, now: Date): Promise<MentorWithLoad[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${MENTOR_COLUMNS},
              count(r.id) FILTER (WHERE r.status IN ('proposed', 'active'))::int AS load,
              count(r.id) FILTER (WHERE r.status = 'active' AND r.next_check_in_due < $2)::int AS overdue
         FROM mentors m
         LEFT JOIN mentoring_relationships r ON r.programme_id = m.programme_id AND r.mentor_id = m.user_id
        WHERE m.programme_id = $1
        GROUP BY m.id ORDER BY m.approved_at, m.id`,
      [programmeId, now],
    )) as Array<MentorRow & { load: number; overdue: number }>;
    return rows.map((r) => ({ ...toMentor(r), load: Number(r.load), overdue: Number(r.overdue) }));
  }

  /** Where the person is a mentor, for their export. */
  exportFor(userId: string): Promise<unknown[]> {
    return this.dataSource.query(
      `SELECT p.group_id AS "groupId", m.status, m.answers, m.training_modules AS "trainingModules", m.trained_on::text AS "trainedOn",
              m.trainer, m.renew_by::text AS "renewBy", m.approved_at AS "approvedAt"
         FROM mentors m JOIN mentoring_programmes p ON p.id = m.programme_id WHERE m.user_id = $1 ORDER BY m.approved_at`,
      [userId],
    );
  }

  async eraseMentor(tx: Tx, userId: string): Promise<void> {
    await manager(tx).query(`DELETE FROM mentors WHERE user_id = $1`, [userId]);
  }
}

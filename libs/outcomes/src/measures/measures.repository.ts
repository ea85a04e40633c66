import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { MeasureView, Question } from './measure';

/** A measure attached to a group (and, when set, to one mentoring programme in it). */
export interface AttachmentView {
  id: string;
  measureId: string;
  measureTitle: string;
  groupId: string;
  programmeId: string | null;
  intervalsMonths: number[];
  attachedAt: Date;
  endedAt: Date | null;
}

export interface NewAttachment {
  measureId: string;
  groupId: string;
  programmeId: string | null;
  intervalsMonths: number[];
  attachedBy: string;
}

const MEASURE_COLUMNS = `id, title, description, questions, built_in AS "builtIn", created_at AS "createdAt"`;
const ATTACHMENT_COLUMNS = `a.id, a.measure_id AS "measureId", m.title AS "measureTitle", a.group_id AS "groupId", a.programme_id AS "programmeId",
  a.intervals_months AS "intervalsMonths", a.attached_at AS "attachedAt", a.ended_at AS "endedAt"`;

/** `outcome_measures` and `measure_attachments`. */
@Injectable()
export class MeasuresRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  list(): Promise<MeasureView[]> {
    return this.dataSource.query(`SELECT ${MEASURE_COLUMNS} FROM outcome_measures ORDER BY built_in DESC, created_at, id`);
  }

  async find(id: string): Promise<MeasureView | null> {
    const [row] = (await this.dataSource.query(`SELECT ${MEASURE_COLUMNS} FROM outcome_measures WHERE id = $1`, [id])) as MeasureView[];
    return row ?? null;
  }

  async insert(values: { title: string; description: string; questions: Question[]; createdBy: string }): Promise<MeasureView> {
    const [row] = (await this.dataSource.query(
      `INSERT INTO outcome_measures (title, description, questions, created_by) VALUES ($1, $2, $3::jsonb, $4) RETURNING ${MEASURE_COLUMNS}`,
      [values.title, values.description, JSON.stringify(values.questions), values.createdBy],
    )) as MeasureView[];
    return row!;
  }

  /** Null when the measure already has a live attachment to the same group and programme. */
  async attach(values: NewAttachment): Promise<AttachmentView | null> {
    const inserted = (await this.dataSource.query(
      `INSERT INTO measure_attachments (measure_id, group_id, programme_id, intervals_months, attached_by) VALUES ($1, $2, $3, $4::int[], $5)
       ON CONFLICT DO NOTHING RETURNING id`,
      [values.measureId, values.groupId, values.programmeId, values.intervalsMonths, values.attachedBy],
    )) as Array<{ id: string }>;
    return inserted[0] ? this.findAttachment(inserted[0].id) : null;
  }

  async findAttachment(id: string): Promise<AttachmentView | null> {
    const [row] = (await this.dataSource.query(
      `SELECT ${ATTACHMENT_COLUMNS} FROM measure_attachments a JOIN outcome_measures m ON m.id = a.measure_id WHERE a.id = $1`,
      [id],
    )) as AttachmentView[];
    return row ?? null;
  }

  attachmentsOf(groupId: string): Promise<AttachmentView[]> {
    return this.dataSource.query(
      `SELECT ${ATTACHMENT_COLUMNS} FROM measure_attachments a JOIN outcome_measures m ON m.id = a.measure_id WHERE a.group_id = $1 ORDER BY a.attached_at, a.id`,
      [groupId],
    );
  }

  /** Live attachments to whole groups; programme attachments wait for the mentoring context's hook (docs/OUTCOMES.md). */
  liveGroupAttachments(): Promise<AttachmentView[]> {
    return this.dataSource.query(
      `SELECT ${ATTACHMENT_COLUMNS} FROM measure_attachments a JOIN outcome_measures m ON m.id = a.measure_id
        WHERE a.ended_at IS NULL AND a.programme_id IS NULL ORDER BY a.attached_at, a.id`,
    );
  }

  /** Ends a live attachment: nothing more is sent; answers already given stay in the report. */
  async end(id: string, at: Date): Promise<boolean> {
    const [rows] = (await this.dataSource.query(`UPDATE measure_attachments SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL RETURNING id`, [id, at])) as [
      unknown[],
      number,
    ];
    return rows.length > 0;
  }
}

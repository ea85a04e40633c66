import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { manager, type Tx } from '@kindred/database';
import type { Question } from '../measures/measure';

/** A questionnaire sent to one member, with the measure's questions and their answers once given. */
export interface QuestionnaireRow {
  id: string;
  groupId: string;
  userId: string;
  measureId: string;
  title: string;
  description: string;
  questions: Question[];
  wave: number;
  sentAt: Date;
  answers: Record<string, number> | null;
  answeredAt: Date | null;
}

/** One questionnaire a tick has just sent. */
export interface SentQuestionnaire {
  id: string;
  userId: string;
  wave: number;
}

export interface DueAttachment {
  id: string;
  groupId: string;
  attachedAt: Date;
  intervalsMonths: number[];
}

const COLUMNS = `q.id, q.group_id AS "groupId", q.user_id AS "userId", m.id AS "measureId", m.title, m.description, m.questions, q.wave,
  q.sent_at AS "sentAt", q.answers, q.answered_at AS "answeredAt"`;
const FROM = `questionnaires q JOIN measure_attachments a ON a.id = q.attachment_id JOIN outcome_measures m ON m.id = a.measure_id`;

/** `questionnaires`: who was asked what and when, and what they answered. */
@Injectable()
export class QuestionnairesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Sends, in the caller's transaction, every wave of the attachment that is due at `now` and not
   * yet sent: the baseline to each active member (groups' published `group_members`) once both
   * they and the attachment are there, each follow-up that many months after that member's
   * baseline. The unique (attachment, person, wave) key makes a wave go out once however many
   * workers tick together: the others' rows conflict and are skipped, so only the sender gets them back.
   */
  async sendDue(tx: Tx, attachment: DueAttachment, now: Date): Promise<SentQuestionnaire[]> {
    return (await manager(tx).query(
      `INSERT INTO questionnaires (attachment_id, group_id, user_id, wave, sent_at)
       SELECT $1, $2, gm.user_id, w.wave, $4
         FROM group_members gm
         CROSS JOIN unnest($3::int[]) AS w(wave)
         LEFT JOIN questionnaires b ON b.attachment_id = $1 AND b.user_id = gm.user_id AND b.wave = 0
        WHERE gm.group_id = $2
          AND CASE WHEN w.wave = 0 THEN greatest(gm.joined_at, $5::timestamptz) <= $4
                   ELSE b.sent_at + make_interval(months => w.wave) <= $4 END
       ON CONFLICT DO NOTHING
       RETURNING id, user_id AS "userId", wave`,
      [attachment.id, attachment.groupId, [0, ...attachment.intervalsMonths], now, attachment.attachedAt],
    )) as SentQuestionnaire[];
  }

  async find(id: string): Promise<QuestionnaireRow | null> {
    const [row] = (await this.dataSource.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE q.id = $1`, [id])) as QuestionnaireRow[];
    return row ?? null;
  }

  /** The person's questionnaires, unanswered first, then newest. */
  listFor(userId: string): Promise<QuestionnaireRow[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE q.user_id = $1 ORDER BY (q.answers IS NULL) DESC, q.sent_at DESC, q.id LIMIT 200`, [
      userId,
    ]);
  }

  /** Records the answers once; false when the questionnaire is not the person's or was answered already. */
  async answer(id: string, userId: string, answers: Record<string, number>, at: Date): Promise<boolean> {
    const [rows] = (await this.dataSource.query(
      `UPDATE questionnaires SET answers = $3::jsonb, answered_at = $4 WHERE id = $1 AND user_id = $2 AND answers IS NULL RETURNING id`,
      [id, userId, JSON.stringify(answers), at],
    )) as [unknown[], number];
    return rows.length > 0;
  }

  exportFor(userId: string): Promise<unknown[]> {
    return this.dataSource.query(
      `SELECT q.id, q.group_id AS "groupId", m.title AS measure, m.questions, q.wave, q.sent_at AS "sentAt", q.answers, q.answered_at AS "answeredAt"
         FROM ${FROM} WHERE q.user_id = $1 ORDER BY q.sent_at, q.id`,
      [userId],
    );
  }

  async eraseFor(tx: Tx, userId: string): Promise<void> {
    await manager(tx).query(`DELETE FROM questionnaires WHERE user_id = $1`, [userId]);
  }
}

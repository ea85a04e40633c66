import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { asTx, manager, type Tx } from '@kindred/database';
import type { GoalStatus, RelationshipStatus } from './mentoring.types';

export interface StoredRelationship {
  id: string;
  programmeId: string;
  groupId: string;
  requestId: string | null;
  mentorId: string | null;
  menteeId: string | null;
  status: RelationshipStatus;
  matchedBy: string | null;
  matchedAt: Date;
  mentorAgreedAt: Date | null;
  menteeAgreedAt: Date | null;
  startedAt: Date | null;
  endsAt: Date | null;
  endedAt: Date | null;
  endedBy: string | null;
  endReason: string | null;
  conversationId: string | null;
  nextCheckInDue: Date | null;
}

export interface StoredGoal {
  id: string;
  relationshipId: string;
  what: string;
  byWhen: string;
  confidence: number;
  status: GoalStatus;
  createdAt: Date;
  updatedAt: Date;
}

export interface StoredCheckIn {
  id: string;
  relationshipId: string;
  recordedBy: string | null;
  heldAt: Date;
  reviews: Array<{ goalId: string; confidence: number; status: GoalStatus }>;
}

export interface StoredNote {
  id: string;
  relationshipId: string;
  mentorId: string;
  menteeId: string | null;
  body: string;
  createdAt: Date;
}

/** A check-in reminder claimed by one run of the job. */
export interface DueReminder {
  id: string;
  groupId: string;
  mentorId: string | null;
  menteeId: string | null;
  due: Date;
}

const REL = `r.id, r.programme_id, p.group_id, r.request_id, r.mentor_id, r.mentee_id, r.status, r.matched_by, r.matched_at, r.mentor_agreed_at,
  r.mentee_agreed_at, r.started_at, r.ends_at, r.ended_at, r.ended_by, r.end_reason, r.conversation_id, r.next_check_in_due`;
const FROM = `mentoring_relationships r JOIN mentoring_programmes p ON p.id = r.programme_id`;

type RelRow = Record<string, unknown> & { id: string };

const date = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));

function toRelationship(r: RelRow): StoredRelationship {
  return {
    id: r.id,
    programmeId: r.programme_id as string,
    groupId: r.group_id as string,
    requestId: (r.request_id as string | null) ?? null,
    mentorId: (r.mentor_id as string | null) ?? null,
    menteeId: (r.mentee_id as string | null) ?? null,
    status: r.status as RelationshipStatus,
    matchedBy: (r.matched_by as string | null) ?? null,
    matchedAt: new Date(r.matched_at as string),
    mentorAgreedAt: date(r.mentor_agreed_at),
    menteeAgreedAt: date(r.mentee_agreed_at),
    startedAt: date(r.started_at),
    endsAt: date(r.ends_at),
    endedAt: date(r.ended_at),
    endedBy: (r.ended_by as string | null) ?? null,
    endReason: (r.end_reason as string | null) ?? null,
    conversationId: (r.conversation_id as string | null) ?? null,
    nextCheckInDue: date(r.next_check_in_due),
  };
}

type GoalRow = {
  id: string;
  relationship_id: string;
  what: string;
  by_when: string;
  confidence: number;
  status: GoalStatus;
  created_at: Date;
  updated_at: Date;
};
const GOAL = `g.id, g.relationship_id, g.what, g.by_when::text AS by_when, g.confidence, g.status, g.created_at, g.updated_at`;
function toGoal(r: GoalRow): StoredGoal {
  return {
    id: r.id,
    relationshipId: r.relationship_id,
    what: r.what,
    byWhen: r.by_when,
    confidence: Number(r.confidence),
    status: r.status,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

/** `mentoring_relationships` with what belongs to one: `mentoring_goals`, `mentoring_check_ins`, `mentoring_session_notes`. */
@Injectable()
export class RelationshipsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(tx: Tx, input: { programmeId: string; requestId: string; mentorId: string; menteeId: string; matchedBy: string }): Promise<string> {
    const [row] = (await manager(tx).query(
      `INSERT INTO mentoring_relationships (programme_id, request_id, mentor_id, mentee_id, status, matched_by) VALUES ($1, $2, $3, $4, 'proposed', $5) RETURNING id`,
      [input.programmeId, input.requestId, input.mentorId, input.menteeId, input.matchedBy],
    )) as Array<{ id: string }>;
    return row!.id;
  }

  /** Relationships proposed or running for the mentor in the programme: their load. */
  async loadOf(tx: Tx, programmeId: string, mentorId: string): Promise<number> {
    const [row] = (await manager(tx).query(
      `SELECT count(*)::int AS n FROM mentoring_relationships WHERE programme_id = $1 AND mentor_id = $2 AND status IN ('proposed', 'active')`,
      [programmeId, mentorId],
    )) as Array<{ n: number }>;
    return Number(row!.n);
  }

  async find(id: string, tx: Tx = asTx(this.dataSource.manager)): Promise<StoredRelationship | null> {
    const [row] = (await manager(tx).query(`SELECT ${REL} FROM ${FROM} WHERE r.id = $1`, [id])) as RelRow[];
    return row ? toRelationship(row) : null;
  }

  async lock(tx: Tx, id: string): Promise<StoredRelationship | null> {
    const [row] = (await manager(tx).query(`SELECT ${REL} FROM ${FROM} WHERE r.id = $1 FOR UPDATE OF r`, [id])) as RelRow[];
    return row ? toRelationship(row) : null;
  }

  async agree(tx: Tx, id: string, side: 'mentor' | 'mentee'): Promise<void> {
    await manager(tx).query(`UPDATE mentoring_relationships SET ${side}_agreed_at = coalesce(${side}_agreed_at, now()) WHERE id = $1`, [id]);
  }

  async start(tx: Tx, id: string, at: Date, endsAt: Date, nextCheckInDue: Date, conversationId: string): Promise<void> {
    await manager(tx).query(
      `UPDATE mentoring_relationships SET status = 'active', started_at = $2, ends_at = $3, next_check_in_due = $4, conversation_id = $5 WHERE id = $1`,
      [id, at, endsAt, nextCheckInDue, conversationId],
    );
  }

  async end(tx: Tx, id: string, by: string | null, reason: string | null, at: Date): Promise<void> {
    await manager(tx).query(
      `UPDATE mentoring_relationships SET status = 'ended', ended_at = $2, ended_by = $3, end_reason = $4 WHERE id = $1 AND status <> 'ended'`,
      [id, at, by, reason],
    );
  }

  async setNextCheckIn(tx: Tx, id: string, due: Date): Promise<void> {
    await manager(tx).query(`UPDATE mentoring_relationships SET next_check_in_due = $2 WHERE id = $1`, [id, due]);
  }

  async ofPerson(userId: string): Promise<StoredRelationship[]> {
    const rows = (await this.dataSource.query(`SELECT ${REL} FROM ${FROM} WHERE r.mentor_id = $1 OR r.mentee_id = $1 ORDER BY r.matched_at DESC LIMIT 100`, [
      userId,
    ])) as RelRow[];
    return rows.map(toRelationship);
  }

  async ofProgramme(programmeId: string): Promise<StoredRelationship[]> {
    const rows = (await this.dataSource.query(`SELECT ${REL} FROM ${FROM} WHERE r.programme_id = $1 ORDER BY r.matched_at DESC LIMIT 500`, [
      programmeId,
    ])) as RelRow[];
    return rows.map(toRelationship);
  }

  /**
   * Claims every running relationship whose check-in fell due by `now` and has not been reminded of
   * that due check-in: one statement, so two runs (or two workers) never claim the same reminder.
   */
  async claimDueReminders(tx: Tx, now: Date, limit: number): Promise<DueReminder[]> {
    const rows = (await manager(tx).query(
      `UPDATE mentoring_relationships r SET reminded_for = r.next_check_in_due
         FROM mentoring_programmes p
        WHERE p.id = r.programme_id AND r.id IN (
          SELECT id FROM mentoring_relationships WHERE status = 'active' AND next_check_in_due <= $1
             AND (reminded_for IS NULL OR reminded_for < next_check_in_due)
           ORDER BY next_check_in_due LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING r.id, p.group_id, r.mentor_id, r.mentee_id, r.next_check_in_due`,
      [now, limit],
    )) as [Array<{ id: string; group_id: string; mentor_id: string | null; mentee_id: string | null; next_check_in_due: Date }>, number];
    // UPDATE … RETURNING comes back as [rows, count].
    const list = rows[0];
    return list.map((r) => ({ id: r.id, groupId: r.group_id, mentorId: r.mentor_id, menteeId: r.mentee_id, due: new Date(r.next_check_in_due) }));
  }

  /** Running relationships whose agreed length ran out by `now`. */
  async pastTheirEnd(now: Date, limit: number): Promise<string[]> {
    const rows = (await this.dataSource.query(`SELECT id FROM mentoring_relationships WHERE status = 'active' AND ends_at <= $1 ORDER BY ends_at LIMIT $2`, [
      now,
      limit,
    ])) as Array<{ id: string }>;
    return rows.map((r) => r.id);
  }

  // ── goals ──

  async insertGoal(tx: Tx, g: { relationshipId: string; what: string; byWhen: string; confidence: number; createdBy: string }): Promise<StoredGoal> {
    const [row] = (await manager(tx).query(
      `WITH g AS (INSERT INTO mentoring_goals (relationship_id, what, by_when, confidence, status, created_by) VALUES ($1, $2, $3::date, $4, 'open', $5) RETURNING *)
       SELECT ${GOAL} FROM g`,
      [g.relationshipId, g.what, g.byWhen, g.confidence, g.createdBy],
    )) as GoalRow[];
    return toGoal(row!);
  }

  async goals(relationshipId: string, tx: Tx = asTx(this.dataSource.manager)): Promise<StoredGoal[]> {
    const rows = (await manager(tx).query(`SELECT ${GOAL} FROM mentoring_goals g WHERE g.relationship_id = $1 ORDER BY g.created_at, g.id`, [
      relationshipId,
    ])) as GoalRow[];
    return rows.map(toGoal);
  }

  async reviewGoal(tx: Tx, goalId: string, confidence: number, status: GoalStatus): Promise<void> {
    await manager(tx).query(`UPDATE mentoring_goals SET confidence = $2, status = $3, updated_at = now() WHERE id = $1`, [goalId, confidence, status]);
  }

  // ── check-ins ──

  async insertCheckIn(tx: Tx, c: { relationshipId: string; recordedBy: string; heldAt: Date; reviews: StoredCheckIn['reviews'] }): Promise<StoredCheckIn> {
    const [row] = (await manager(tx).query(
      `INSERT INTO mentoring_check_ins (relationship_id, recorded_by, held_at, reviews) VALUES ($1, $2, $3, $4::jsonb) RETURNING id, held_at`,
      [c.relationshipId, c.recordedBy, c.heldAt, JSON.stringify(c.reviews)],
    )) as Array<{ id: string; held_at: Date }>;
    return { id: row!.id, relationshipId: c.relationshipId, recordedBy: c.recordedBy, heldAt: new Date(row!.held_at), reviews: c.reviews };
  }

  async checkIns(relationshipId: string): Promise<StoredCheckIn[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, relationship_id, recorded_by, held_at, reviews FROM mentoring_check_ins WHERE relationship_id = $1 ORDER BY held_at, id`,
      [relationshipId],
    )) as Array<{ id: string; relationship_id: string; recorded_by: string | null; held_at: Date; reviews: StoredCheckIn['reviews'] }>;
    return rows.map((r) => ({ id: r.id, relationshipId: r.relationship_id, recordedBy: r.recorded_by, heldAt: new Date(r.held_at), reviews: r.reviews }));
  }

  // ── session notes ──

  async insertNote(n: { relationshipId: string; mentorId: string; menteeId: string | null; body: string }): Promise<StoredNote> {
    const [row] = (await this.dataSource.query(
      `INSERT INTO mentoring_session_notes (relationship_id, mentor_id, mentee_id, body) VALUES ($1, $2, $3, $4) RETURNING id, created_at`,
      [n.relationshipId, n.mentorId, n.menteeId, n.body],
    )) as Array<{ id: string; created_at: Date }>;
    return { id: row!.id, relationshipId: n.relationshipId, mentorId: n.mentorId, menteeId: n.menteeId, body: n.body, createdAt: new Date(row!.created_at) };
  }

  async notes(relationshipId: string): Promise<StoredNote[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, relationship_id, mentor_id, mentee_id, body, created_at FROM mentoring_session_notes WHERE relationship_id = $1 ORDER BY created_at, id`,
      [relationshipId],
    )) as Array<{ id: string; relationship_id: string; mentor_id: string; mentee_id: string | null; body: string; created_at: Date }>;
    return rows.map((r) => ({
      id: r.id,
      relationshipId: r.relationship_id,
      mentorId: r.mentor_id,
      menteeId: r.mentee_id,
      body: r.body,
      createdAt: new Date(r.created_at),
    }));
  }

  // ── export and erasure ──

  /** What the person's export holds of mentoring relationships: their own side, never the end reason someone else gave. */
  async exportFor(
    userId: string,
  ): Promise<{ relationships: unknown[]; goals: unknown[]; checkIns: unknown[]; notesAboutMe: unknown[]; notesIWrote: unknown[] }> {
    const q = (sql: string) => this.dataSource.query(sql, [userId]) as Promise<unknown[]>;
    const [relationships, goals, checkIns, notesAboutMe, notesIWrote] = await Promise.all([
      q(`SELECT r.id, p.group_id AS "groupId", CASE WHEN r.mentee_id = $1 THEN 'mentee' ELSE 'mentor' END AS role, r.status,
                r.started_at AS "startedAt", r.ends_at AS "endsAt", r.ended_at AS "endedAt",
                CASE WHEN r.ended_by = $1 THEN r.end_reason END AS "endReasonIGave"
           FROM ${FROM} WHERE r.mentee_id = $1 OR r.mentor_id = $1 ORDER BY r.matched_at`),
      q(`SELECT g.id, g.relationship_id AS "relationshipId", g.what, g.by_when::text AS "byWhen", g.confidence, g.status, g.created_at AS "createdAt"
           FROM mentoring_goals g JOIN mentoring_relationships r ON r.id = g.relationship_id WHERE r.mentee_id = $1 ORDER BY g.created_at`),
      q(`SELECT c.id, c.relationship_id AS "relationshipId", c.held_at AS "heldAt", c.reviews
           FROM mentoring_check_ins c JOIN mentoring_relationships r ON r.id = c.relationship_id WHERE r.mentee_id = $1 ORDER BY c.held_at`),
      q(
        `SELECT n.id, n.relationship_id AS "relationshipId", n.body, n.created_at AS "createdAt" FROM mentoring_session_notes n WHERE n.mentee_id = $1 ORDER BY n.created_at`,
      ),
      q(
        `SELECT n.id, n.relationship_id AS "relationshipId", n.body, n.created_at AS "createdAt" FROM mentoring_session_notes n WHERE n.mentor_id = $1 ORDER BY n.created_at`,
      ),
    ]);
    return { relationships, goals, checkIns, notesAboutMe, notesIWrote };
  }

  /**
   * A mentee's relationships go with everything in them (goals, check-ins, the notes about them);
   * a mentor's notes go, their relationships end, and the end reasons either wrote are cleared.
   */
  async erasePerson(tx: Tx, userId: string, at: Date): Promise<void> {
    await manager(tx).query(`DELETE FROM mentoring_session_notes WHERE mentor_id = $1 OR mentee_id = $1`, [userId]);
    await manager(tx).query(`DELETE FROM mentoring_relationships WHERE mentee_id = $1`, [userId]);
    await manager(tx).query(
      `UPDATE mentoring_relationships SET status = 'ended', ended_at = $2, end_reason = NULL WHERE mentor_id = $1 AND status <> 'ended'`,
      [userId, at],
    );
    await manager(tx).query(`UPDATE mentoring_relationships SET end_reason = NULL WHERE ended_by = $1`, [userId]);
  }
}

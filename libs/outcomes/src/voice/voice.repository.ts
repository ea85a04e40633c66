import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { manager, type Tx } from '@kindred/database';

export interface FeedbackRow {
  id: string;
  groupId: string;
  authorId: string;
  body: string;
  createdAt: Date;
}

export interface ProposalRow {
  id: string;
  groupId: string;
  clauses: unknown[];
  summary: string;
  status: 'open' | 'published' | 'withdrawn';
  publishedVersion: number | null;
  createdAt: Date;
  closedAt: Date | null;
}

export interface CommentRow {
  id: string;
  proposalId: string;
  authorId: string;
  body: string;
  createdAt: Date;
}

const FEEDBACK = `id, group_id AS "groupId", author_id AS "authorId", body, created_at AS "createdAt"`;
const PROPOSAL = `id, group_id AS "groupId", clauses, summary, status, published_version AS "publishedVersion", created_at AS "createdAt", closed_at AS "closedAt"`;
const COMMENT = `id, proposal_id AS "proposalId", author_id AS "authorId", body, created_at AS "createdAt"`;

/** `group_feedback`, `agreement_proposals` and `proposal_comments`: members' voice. */
@Injectable()
export class VoiceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async addFeedback(groupId: string, authorId: string, body: string): Promise<FeedbackRow> {
    const [row] = (await this.dataSource.query(`INSERT INTO group_feedback (group_id, author_id, body) VALUES ($1, $2, $3) RETURNING ${FEEDBACK}`, [
      groupId,
      authorId,
      body,
    ])) as FeedbackRow[];
    return row!;
  }

  feedbackOf(groupId: string): Promise<FeedbackRow[]> {
    return this.dataSource.query(`SELECT ${FEEDBACK} FROM group_feedback WHERE group_id = $1 ORDER BY created_at DESC, id DESC LIMIT 500`, [groupId]);
  }

  async propose(groupId: string, clauses: unknown[], summary: string, proposedBy: string): Promise<ProposalRow> {
    const [row] = (await this.dataSource.query(
      `INSERT INTO agreement_proposals (group_id, clauses, summary, proposed_by) VALUES ($1, $2::jsonb, $3, $4) RETURNING ${PROPOSAL}`,
      [groupId, JSON.stringify(clauses), summary, proposedBy],
    )) as ProposalRow[];
    return row!;
  }

  async findProposal(id: string): Promise<ProposalRow | null> {
    const [row] = (await this.dataSource.query(`SELECT ${PROPOSAL} FROM agreement_proposals WHERE id = $1`, [id])) as ProposalRow[];
    return row ?? null;
  }

  proposalsOf(groupId: string): Promise<ProposalRow[]> {
    return this.dataSource.query(`SELECT ${PROPOSAL} FROM agreement_proposals WHERE group_id = $1 ORDER BY created_at DESC, id DESC LIMIT 100`, [groupId]);
  }

  /** Closes an open proposal; false when it was closed already (a second admin, a double click). */
  async close(tx: Tx, id: string, status: 'published' | 'withdrawn', version: number | null): Promise<boolean> {
    const [rows] = (await manager(tx).query(
      `UPDATE agreement_proposals SET status = $2, published_version = $3, closed_at = now() WHERE id = $1 AND status = 'open' RETURNING id`,
      [id, status, version],
    )) as [unknown[], number];
    return rows.length > 0;
  }

  /** Locks an open proposal for publishing, so two admins cannot publish it twice. */
  async lockOpen(tx: Tx, id: string): Promise<ProposalRow | null> {
    const [row] = (await manager(tx).query(`SELECT ${PROPOSAL} FROM agreement_proposals WHERE id = $1 AND status = 'open' FOR UPDATE`, [id])) as ProposalRow[];
    return row ?? null;
  }

  /** Adds a comment while the proposal is open; null once it has closed. */
  async comment(proposalId: string, authorId: string, body: string): Promise<CommentRow | null> {
    const [row] = (await this.dataSource.query(
      `INSERT INTO proposal_comments (proposal_id, author_id, body)
       SELECT id, $2, $3 FROM agreement_proposals WHERE id = $1 AND status = 'open'
       RETURNING ${COMMENT}`,
      [proposalId, authorId, body],
    )) as CommentRow[];
    return row ?? null;
  }

  commentsOn(proposalId: string): Promise<CommentRow[]> {
    return this.dataSource.query(`SELECT ${COMMENT} FROM proposal_comments WHERE proposal_id = $1 ORDER BY created_at, id LIMIT 1000`, [proposalId]);
  }

  async exportFor(userId: string): Promise<{ feedback: unknown[]; proposalComments: unknown[] }> {
    const [feedback, proposalComments] = await Promise.all([
      this.dataSource.query(`SELECT id, group_id AS "groupId", body, created_at AS "createdAt" FROM group_feedback WHERE author_id = $1 ORDER BY created_at`, [
        userId,
      ]),
      this.dataSource.query(
        `SELECT id, proposal_id AS "proposalId", body, created_at AS "createdAt" FROM proposal_comments WHERE author_id = $1 ORDER BY created_at`,
        [userId],
      ),
    ]);
    return { feedback, proposalComments };
  }

  async eraseFor(tx: Tx, userId: string): Promise<void> {
    await manager(tx).query(`DELETE FROM group_feedback WHERE author_id = $1`, [userId]);
    await manager(tx).query(`DELETE FROM proposal_comments WHERE author_id = $1`, [userId]);
  }
}

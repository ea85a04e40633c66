import { Injectable } from '@nestjs/common';
import { Transactions } from '@kindred/database';
import { DomainError } from '@kindred/domain';
import { AgreementsService, normaliseClauses, ParticipationService, validateClauses, type Clause } from '@kindred/groups';
import { AuthUser, FORMER_MEMBER, IdentityService } from '@kindred/identity';
import { assertUuid } from '../ids';
import { CommentRow, ProposalRow, VoiceRepository } from './voice.repository';

/** Feedback as staff read it: supporters without the author, admins with. */
export interface FeedbackView {
  id: string;
  groupId: string;
  body: string;
  createdAt: Date;
  /** Admins only; absent for supporters, so feedback stays anonymous to them. */
  author?: { id: string; displayName: string };
}

export interface CommentView {
  id: string;
  body: string;
  createdAt: Date;
  /** Admins see who commented; a member sees only their own comments. */
  author?: { id: string; displayName: string };
}

export interface ProposalView {
  id: string;
  groupId: string;
  clauses: Clause[];
  summary: string;
  status: 'open' | 'published' | 'withdrawn';
  publishedVersion: number | null;
  createdAt: Date;
  closedAt: Date | null;
  comments: CommentView[];
}

const MAX_TEXT = 4000;

function text(value: unknown, field: string, max = MAX_TEXT): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > max) {
    throw DomainError.validation([{ field, message: `must be text of 1 to ${max} characters` }]);
  }
  return value.trim();
}

/**
 * Members' voice: feedback to a group, and agreement changes proposed by admins for members to
 * comment on before they are published. Publishing goes through the groups context's
 * AgreementsService, which owns agreements.
 */
@Injectable()
export class VoiceService {
  constructor(
    private readonly voice: VoiceRepository,
    private readonly transactions: Transactions,
    private readonly participation: ParticipationService,
    private readonly agreements: AgreementsService,
    private readonly identity: IdentityService,
  ) {}

  /** Any member of the group (not banned) may send feedback; nobody but staff reads it. */
  async giveFeedback(user: AuthUser, groupId: string, body: unknown): Promise<{ id: string; createdAt: Date }> {
    assertUuid(groupId, 'That group');
    await this.participation.assertMember(user, groupId);
    const row = await this.voice.addFeedback(groupId, user.id, text(body, 'body'));
    return { id: row.id, createdAt: row.createdAt };
  }

  /** The group's supporters read feedback without names; admins with them. */
  async feedback(user: AuthUser, groupId: string): Promise<FeedbackView[]> {
    assertUuid(groupId, 'That group');
    const role = await this.participation.assertModerator(user, groupId);
    const rows = await this.voice.feedbackOf(groupId);
    const names = role === 'admin' ? await this.identity.displayNames([...new Set(rows.map((r) => r.authorId))]) : new Map<string, string>();
    return rows.map((r) => ({
      id: r.id,
      groupId: r.groupId,
      body: r.body,
      createdAt: r.createdAt,
      ...(role === 'admin' ? { author: { id: r.authorId, displayName: names.get(r.authorId) ?? FORMER_MEMBER } } : {}),
    }));
  }

  /** An admin proposes a new agreement: the clauses are checked now, as publishing will check them. */
  async propose(user: AuthUser, groupId: string, input: { clauses: unknown; summary: unknown }): Promise<ProposalView> {
    if (!user.isAdmin) throw DomainError.forbidden('Only admins can propose a change to a group agreement.');
    assertUuid(groupId, 'That group');
    await this.participation.assertMember(user, groupId);
    const errors = validateClauses(input.clauses);
    if (errors.length > 0) throw DomainError.validation(errors);
    const row = await this.voice.propose(groupId, normaliseClauses(input.clauses as Clause[]), text(input.summary, 'summary', 2000), user.id);
    return this.view(user, row, []);
  }

  /** The group's proposals, for its members (their own comments) and admins (every comment, with names). */
  async proposals(user: AuthUser, groupId: string): Promise<ProposalView[]> {
    assertUuid(groupId, 'That group');
    await this.participation.assertMember(user, groupId);
    const rows = await this.voice.proposalsOf(groupId);
    return Promise.all(rows.map(async (row) => this.view(user, row, await this.voice.commentsOn(row.id))));
  }

  /** A member comments on an open proposal of their group. */
  async comment(user: AuthUser, proposalId: string, body: unknown): Promise<CommentView> {
    const proposal = await this.visibleProposal(user, proposalId);
    if (proposal.status !== 'open') throw DomainError.conflict('This proposal is closed, so it takes no more comments.');
    const row = await this.voice.comment(proposalId, user.id, text(body, 'body'));
    if (!row) throw DomainError.conflict('This proposal is closed, so it takes no more comments.');
    return { id: row.id, body: row.body, createdAt: row.createdAt, author: { id: user.id, displayName: user.displayName } };
  }

  /** Publishes the proposal as the group's next agreement version (through groups), once. */
  async publish(user: AuthUser, proposalId: string): Promise<ProposalView> {
    if (!user.isAdmin) throw DomainError.forbidden('Only admins can publish a group agreement.');
    assertUuid(proposalId, 'That proposal');
    const proposal = await this.voice.findProposal(proposalId);
    if (!proposal) throw DomainError.notFound('That proposal');
    const claimed = await this.transactions.run(async (tx) => {
      const open = await this.voice.lockOpen(tx, proposalId);
      if (!open) return null;
      // The version is published by groups in its own transaction; the proposal is closed with it only if that succeeds.
      const published = await this.agreements.publish(user, open.groupId, open.clauses);
      await this.voice.close(tx, proposalId, 'published', published.version);
      return published;
    });
    if (!claimed) throw DomainError.conflict('This proposal is already closed.');
    return this.view(user, (await this.voice.findProposal(proposalId))!, await this.voice.commentsOn(proposalId));
  }

  async withdraw(user: AuthUser, proposalId: string): Promise<void> {
    if (!user.isAdmin) throw DomainError.forbidden('Only admins can withdraw a proposal.');
    assertUuid(proposalId, 'That proposal');
    if (!(await this.voice.findProposal(proposalId))) throw DomainError.notFound('That proposal');
    const closed = await this.transactions.run((tx) => this.voice.close(tx, proposalId, 'withdrawn', null));
    if (!closed) throw DomainError.conflict('This proposal is already closed.');
  }

  private async visibleProposal(user: AuthUser, proposalId: string): Promise<ProposalRow> {
    assertUuid(proposalId, 'That proposal');
    const proposal = await this.voice.findProposal(proposalId);
    if (!proposal || !(await this.participation.canSee(user, proposal.groupId))) throw DomainError.notFound('That proposal');
    await this.participation.assertMember(user, proposal.groupId);
    return proposal;
  }

  private async view(user: AuthUser, row: ProposalRow, comments: CommentRow[]): Promise<ProposalView> {
    const shown = user.isAdmin ? comments : comments.filter((c) => c.authorId === user.id);
    const names = user.isAdmin ? await this.identity.displayNames([...new Set(shown.map((c) => c.authorId))]) : new Map([[user.id, user.displayName]]);
    return {
      id: row.id,
      groupId: row.groupId,
      clauses: row.clauses as Clause[],
      summary: row.summary,
      status: row.status,
      publishedVersion: row.publishedVersion,
      createdAt: row.createdAt,
      closedAt: row.closedAt,
      comments: shown.map((c) => ({
        id: c.id,
        body: c.body,
        createdAt: c.createdAt,
        author: { id: c.authorId, displayName: names.get(c.authorId) ?? FORMER_MEMBER },
      })),
    };
  }
}

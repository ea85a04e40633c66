import { randomUUID } from 'node:crypto';
import type { Transactions, Tx } from '@kindred/database';
import { DomainError } from '@kindred/domain';
import type { AgreementsService, ParticipationService } from '@kindred/groups';
import type { AuthUser, IdentityService } from '@kindred/identity';
import type { CommentRow, FeedbackRow, ProposalRow, VoiceRepository } from './voice.repository';
import { VoiceService } from './voice.service';

const G1 = '11111111-1111-4111-8111-111111111111';
const person = (id: string, isAdmin = false): AuthUser => ({ id, displayName: `Name of ${id}`, isAdmin, sessionId: 's' });
const CLAUSES = [{ key: 'respect', title: 'Respect', text: 'Be kind.' }];

/** VoiceRepository in memory. */
class FakeVoice implements Partial<VoiceRepository> {
  feedback: FeedbackRow[] = [];
  proposals: ProposalRow[] = [];
  comments: CommentRow[] = [];
  async addFeedback(groupId: string, authorId: string, body: string) {
    const row = { id: randomUUID(), groupId, authorId, body, createdAt: new Date() };
    this.feedback.push(row);
    return row;
  }
  async feedbackOf(groupId: string) {
    return this.feedback.filter((f) => f.groupId === groupId);
  }
  async propose(groupId: string, clauses: unknown[], summary: string) {
    const row: ProposalRow = { id: randomUUID(), groupId, clauses, summary, status: 'open', publishedVersion: null, createdAt: new Date(), closedAt: null };
    this.proposals.push(row);
    return row;
  }
  async findProposal(id: string) {
    return this.proposals.find((p) => p.id === id) ?? null;
  }
  async proposalsOf(groupId: string) {
    return this.proposals.filter((p) => p.groupId === groupId);
  }
  async lockOpen(_tx: Tx, id: string) {
    return this.proposals.find((p) => p.id === id && p.status === 'open') ?? null;
  }
  async close(_tx: Tx, id: string, status: 'published' | 'withdrawn', version: number | null) {
    const p = this.proposals.find((row) => row.id === id && row.status === 'open');
    if (!p) return false;
    Object.assign(p, { status, publishedVersion: version, closedAt: new Date() });
    return true;
  }
  async comment(proposalId: string, authorId: string, body: string) {
    if (!this.proposals.some((p) => p.id === proposalId && p.status === 'open')) return null;
    const row = { id: randomUUID(), proposalId, authorId, body, createdAt: new Date() };
    this.comments.push(row);
    return row;
  }
  async commentsOn(proposalId: string) {
    return this.comments.filter((c) => c.proposalId === proposalId);
  }
}

function setUp() {
  const voice = new FakeVoice();
  const roles = new Map<string, 'member' | 'supporter'>([
    ['m1', 'member'],
    ['m2', 'member'],
    ['s1', 'supporter'],
  ]);
  const participation = {
    assertMember: async (user: AuthUser, groupId: string) => {
      if (groupId !== G1) throw DomainError.notFound('That group');
      if (!user.isAdmin && !roles.has(user.id)) throw new DomainError('NOT_A_MEMBER', 'no');
      return {};
    },
    assertModerator: async (user: AuthUser) => {
      if (user.isAdmin) return 'admin';
      if (roles.get(user.id) === 'supporter') return 'supporter';
      throw DomainError.forbidden();
    },
    canSee: async (user: AuthUser, groupId: string) => groupId === G1 && (user.isAdmin || roles.has(user.id)),
  } as unknown as ParticipationService;
  const published: unknown[] = [];
  const agreements = {
    publish: async (_user: AuthUser, _groupId: string, clauses: unknown) => {
      published.push(clauses);
      return { version: 1 + published.length, clauses, publishedAt: new Date() };
    },
  } as unknown as AgreementsService;
  const identity = { displayNames: async (ids: string[]) => new Map(ids.map((id) => [id, `Name of ${id}`])) } as unknown as IdentityService;
  const transactions = { run: <T>(work: (tx: Tx) => Promise<T>) => work({} as Tx) } as unknown as Transactions;
  return { voice, published, service: new VoiceService(voice as unknown as VoiceRepository, transactions, participation, agreements, identity) };
}

describe('VoiceService (in-memory repositories)', () => {
  it('gives feedback to supporters without its author and to admins with it', async () => {
    const { service } = setUp();
    await service.giveFeedback(person('m1'), G1, '  More evening cover, please. ');
    const bySupporter = await service.feedback(person('s1'), G1);
    expect(bySupporter).toEqual([{ id: expect.any(String), groupId: G1, body: 'More evening cover, please.', createdAt: expect.any(Date) }]);
    expect(JSON.stringify(bySupporter)).not.toContain('m1');
    expect((await service.feedback(person('a', true), G1))[0]!.author).toEqual({ id: 'm1', displayName: 'Name of m1' });
    await expect(service.feedback(person('m2'), G1)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(service.giveFeedback(person('stranger'), G1, 'hi')).rejects.toMatchObject({ code: 'NOT_A_MEMBER' });
    await expect(service.giveFeedback(person('m1'), G1, '   ')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(service.giveFeedback(person('m1'), G1, 'x'.repeat(4001))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(service.giveFeedback(person('m1'), 'nope', 'hi')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lets only admins propose, checking the clauses as publishing will', async () => {
    const { service } = setUp();
    await expect(service.propose(person('s1'), G1, { clauses: CLAUSES, summary: 'x' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(service.propose(person('a', true), G1, { clauses: [{ key: 'X!' }], summary: 'x' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(service.propose(person('a', true), G1, { clauses: CLAUSES, summary: '' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await service.propose(person('a', true), G1, { clauses: CLAUSES, summary: 'Kindness' })).toMatchObject({ status: 'open', comments: [] });
  });

  it('shows each member their own comments and admins every comment, and closes comments with the proposal', async () => {
    const { service, published } = setUp();
    const proposal = await service.propose(person('a', true), G1, { clauses: CLAUSES, summary: 'Kindness' });
    await service.comment(person('m1'), proposal.id, 'Yes.');
    await service.comment(person('m2'), proposal.id, 'Also yes.');
    await expect(service.comment(person('stranger'), proposal.id, 'Me too')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await service.proposals(person('m1'), G1))[0]!.comments.map((c) => c.body)).toEqual(['Yes.']);
    expect((await service.proposals(person('a', true), G1))[0]!.comments.map((c) => c.author?.id)).toEqual(['m1', 'm2']);

    await expect(service.publish(person('s1'), proposal.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await service.publish(person('a', true), proposal.id)).toMatchObject({ status: 'published', publishedVersion: 2 });
    expect(published).toHaveLength(1);
    await expect(service.publish(person('a', true), proposal.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(published).toHaveLength(1);
    await expect(service.comment(person('m1'), proposal.id, 'Late')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(service.withdraw(person('a', true), proposal.id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

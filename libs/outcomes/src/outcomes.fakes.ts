import { randomUUID } from 'node:crypto';
import type { Tx } from '@kindred/database';
import type { NewNotice, NoticesService, NoticeView } from '@kindred/notifications';
import type { CommissionerGrant, CommissionersRepository } from './commissioners/commissioners.repository';
import type { MeasureView } from './measures/measure';
import type { AttachmentView, MeasuresRepository } from './measures/measures.repository';
import type { DueAttachment, QuestionnaireRow, QuestionnairesRepository, SentQuestionnaire } from './questionnaires/questionnaires.repository';

/** Months later, the way PostgreSQL's `+ make_interval(months => n)` counts them (same day of the month). */
export function addMonths(at: Date, months: number): Date {
  const d = new Date(at);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d;
}

/** The outcomes tables in memory, with the groups' `group_members` view as a list the test fills. */
export class FakeOutcomesStore {
  measures: MeasureView[] = [];
  attachments: Array<AttachmentView & { attachedBy: string }> = [];
  questionnaires: Array<QuestionnaireRow & { attachmentId: string }> = [];
  groupMembers: Array<{ groupId: string; userId: string; joinedAt: Date }> = [];
  grants: CommissionerGrant[] = [];
}

export class FakeMeasuresRepository implements Pick<MeasuresRepository, 'list' | 'find' | 'liveGroupAttachments'> {
  constructor(private readonly store: FakeOutcomesStore) {}
  async list() {
    return this.store.measures;
  }
  async find(id: string) {
    return this.store.measures.find((m) => m.id === id) ?? null;
  }
  async liveGroupAttachments() {
    return this.store.attachments.filter((a) => a.endedAt === null && a.programmeId === null);
  }
}

export class FakeQuestionnairesRepository implements Pick<QuestionnairesRepository, 'sendDue' | 'find' | 'listFor' | 'answer'> {
  constructor(private readonly store: FakeOutcomesStore) {}

  async sendDue(_tx: Tx, attachment: DueAttachment, now: Date): Promise<SentQuestionnaire[]> {
    const sent: SentQuestionnaire[] = [];
    const measure = this.store.measures.find((m) => m.id === this.store.attachments.find((a) => a.id === attachment.id)!.measureId)!;
    for (const member of this.store.groupMembers.filter((m) => m.groupId === attachment.groupId)) {
      for (const wave of [0, ...attachment.intervalsMonths]) {
        const mine = this.store.questionnaires.filter((q) => q.attachmentId === attachment.id && q.userId === member.userId);
        if (mine.some((q) => q.wave === wave)) continue;
        const baseline = mine.find((q) => q.wave === 0);
        const due =
          wave === 0
            ? Math.max(member.joinedAt.getTime(), attachment.attachedAt.getTime()) <= now.getTime()
            : !!baseline && addMonths(baseline.sentAt, wave) <= now;
        if (!due) continue;
        const row = {
          id: randomUUID(),
          attachmentId: attachment.id,
          groupId: attachment.groupId,
          userId: member.userId,
          measureId: measure.id,
          title: measure.title,
          description: measure.description,
          questions: measure.questions,
          wave,
          sentAt: now,
          answers: null,
          answeredAt: null,
        };
        this.store.questionnaires.push(row);
        sent.push({ id: row.id, userId: row.userId, wave });
      }
    }
    return sent;
  }
  async find(id: string) {
    return this.store.questionnaires.find((q) => q.id === id) ?? null;
  }
  async listFor(userId: string) {
    return this.store.questionnaires.filter((q) => q.userId === userId);
  }
  async answer(id: string, userId: string, answers: Record<string, number>, at: Date) {
    const row = this.store.questionnaires.find((q) => q.id === id && q.userId === userId && q.answers === null);
    if (!row) return false;
    row.answers = answers;
    row.answeredAt = at;
    return true;
  }
}

export class FakeCommissionersRepository implements Pick<CommissionersRepository, 'grantsOf'> {
  constructor(private readonly store: FakeOutcomesStore) {}
  async grantsOf(userId: string) {
    return this.store.grants.filter((g) => g.userId === userId);
  }
}

/** NoticesService as far as outcomes uses it: notices written in a transaction, announced after. */
export class FakeNotices implements Pick<NoticesService, 'create' | 'announce'> {
  created: Array<NewNotice & { id: string; inTx: boolean }> = [];
  announced: string[] = [];
  async create(input: NewNotice, tx?: Tx): Promise<NoticeView> {
    const id = randomUUID();
    this.created.push({ ...input, id, inTx: !!tx });
    return {
      id,
      kind: input.kind,
      groupId: input.groupId,
      subjectId: input.subjectId ?? null,
      clauseKey: null,
      until: null,
      quote: null,
      message: input.message,
      createdAt: new Date(),
      appealable: false,
    };
  }
  async announce(notice: NoticeView) {
    this.announced.push(notice.id);
  }
}

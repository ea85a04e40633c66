import type { Transactions, Tx } from '@kindred/database';
import { DomainError } from '@kindred/domain';
import type { NoticesService } from '@kindred/notifications';
import { DEFAULT_MEASURE_ID, validateQuestions } from '../measures/measure';
import type { MeasuresRepository } from '../measures/measures.repository';
import { addMonths, FakeMeasuresRepository, FakeNotices, FakeOutcomesStore, FakeQuestionnairesRepository } from '../outcomes.fakes';
import type { QuestionnairesRepository } from './questionnaires.repository';
import { QuestionnairesService } from './questionnaires.service';

const T0 = new Date('2026-01-15T09:00:00Z');

function setUp() {
  const store = new FakeOutcomesStore();
  store.measures.push({
    id: DEFAULT_MEASURE_ID,
    title: 'Living with my condition',
    description: '',
    builtIn: true,
    createdAt: T0,
    questions: validateQuestions([{ key: 'confidence', text: 'How confident?', scale: { min: 0, max: 10, minLabel: 'Not', maxLabel: 'Very' } }]),
  });
  store.attachments.push({
    id: 'att-1',
    measureId: DEFAULT_MEASURE_ID,
    measureTitle: 'Living with my condition',
    groupId: 'g1',
    programmeId: null,
    intervalsMonths: [3, 6],
    attachedAt: T0,
    endedAt: null,
    attachedBy: 'admin',
  });
  store.groupMembers.push({ groupId: 'g1', userId: 'u1', joinedAt: new Date('2025-06-01T00:00:00Z') });
  const notices = new FakeNotices();
  let committed = 0;
  const transactions = {
    run: async <T>(work: (tx: Tx) => Promise<T>) => {
      const result = await work({} as Tx);
      committed += 1;
      return result;
    },
  } as unknown as Transactions;
  const service = new QuestionnairesService(
    transactions,
    new FakeMeasuresRepository(store) as unknown as MeasuresRepository,
    new FakeQuestionnairesRepository(store) as unknown as QuestionnairesRepository,
    notices as unknown as NoticesService,
  );
  return { store, notices, service, committed: () => committed };
}

describe('QuestionnairesService (in-memory repositories)', () => {
  it('sends the baseline with a notice written in the transaction and announced after it commits', async () => {
    const { service, notices, store, committed } = setUp();
    expect(await service.tick(T0)).toEqual({ sent: 1 });
    expect(committed()).toBe(1);
    expect(notices.created).toEqual([
      expect.objectContaining({ userId: 'u1', kind: 'questionnaire', groupId: 'g1', subjectId: store.questionnaires[0]!.id, inTx: true }),
    ]);
    expect(notices.announced).toEqual([notices.created[0]!.id]);
    // No group name or condition in the notice: the questionnaire screen says the rest.
    expect(notices.created[0]!.message).toMatch(/only you see your answers/i);
    expect(await service.tick(new Date(T0.getTime() + 1000))).toEqual({ sent: 0 });
  });

  it('sends each follow-up on the month it falls due, counted from the member’s own baseline', async () => {
    const { service, store } = setUp();
    await service.tick(T0);
    expect((await service.tick(new Date('2026-04-15T08:59:00Z'))).sent).toBe(0);
    expect((await service.tick(addMonths(T0, 3))).sent).toBe(1);
    expect((await service.tick(addMonths(T0, 5))).sent).toBe(0);
    expect((await service.tick(addMonths(T0, 6))).sent).toBe(1);
    expect(store.questionnaires.map((q) => q.wave)).toEqual([0, 3, 6]);
    expect((await service.tick(addMonths(T0, 24))).sent).toBe(0);
  });

  it('waits for a member who joins after the measure was attached, and skips ended attachments', async () => {
    const { service, store } = setUp();
    store.groupMembers.push({ groupId: 'g1', userId: 'u2', joinedAt: new Date('2026-03-01T00:00:00Z') });
    await service.tick(T0);
    expect(store.questionnaires.map((q) => q.userId)).toEqual(['u1']);
    await service.tick(new Date('2026-03-01T00:00:00Z'));
    expect(store.questionnaires.map((q) => q.userId)).toEqual(['u1', 'u2']);
    store.attachments[0]!.endedAt = new Date('2026-03-02T00:00:00Z');
    store.groupMembers.push({ groupId: 'g1', userId: 'u3', joinedAt: new Date('2026-03-03T00:00:00Z') });
    expect((await service.tick(addMonths(T0, 12))).sent).toBe(0);
  });

  it('takes one set of answers on the scale, from the member it was sent to only', async () => {
    const { service, store } = setUp();
    await service.tick(T0);
    const id = store.questionnaires[0]!.id;
    await expect(service.get('someone-else', id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service.answer('someone-else', id, { confidence: 5 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service.answer('u1', 'not-an-id', { confidence: 5 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service.answer('u1', id, { confidence: 12 })).rejects.toBeInstanceOf(DomainError);
    expect((await service.answer('u1', id, { confidence: 5 })).answers).toEqual({ confidence: 5 });
    await expect(service.answer('u1', id, { confidence: 6 })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await service.listFor('u1'))[0]!.answers).toEqual({ confidence: 5 });
  });
});

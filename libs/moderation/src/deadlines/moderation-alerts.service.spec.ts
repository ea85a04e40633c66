import { FakeModerationAlertsRepository } from '../review/review.fakes';
import type { ModerationAlertsRepository } from './moderation-alerts.repository';
import { ModerationAlertsService } from './moderation-alerts.service';

function alerts() {
  const repository = new FakeModerationAlertsRepository();
  return { repository, service: new ModerationAlertsService(repository as unknown as ModerationAlertsRepository) };
}

describe('ModerationAlertsService.listFor (in-memory alerts)', () => {
  it("lists only the person's own alerts, newest first, without who else was told", async () => {
    const a = alerts();
    await a.repository.insert(['s1', 's2'], 'g1', 'review-item', 'r1', 'overdue');
    await a.repository.insert(['s1'], 'g1', 'application', 'a1', 'overdue');
    const page = await a.service.listFor('s1');
    expect(page.items.map((i) => i.subjectId)).toEqual(['a1', 'r1']);
    expect(page.items[0]).toEqual({
      id: expect.any(String),
      kind: 'overdue',
      groupId: 'g1',
      subjectType: 'application',
      subjectId: 'a1',
      createdAt: expect.any(Date),
    });
    expect((await a.service.listFor('nobody')).items).toEqual([]);
  });

  it('pages with a cursor, each alert once', async () => {
    const a = alerts();
    for (let i = 0; i < 5; i += 1) await a.repository.insert(['s1'], 'g1', 'review-item', `r${i}`, 'overdue');
    const first = await a.service.listFor('s1', { limit: 2 });
    expect(first.items.map((i) => i.subjectId)).toEqual(['r4', 'r3']);
    const second = await a.service.listFor('s1', { limit: 2, cursor: first.nextCursor! });
    const third = await a.service.listFor('s1', { limit: 2, cursor: second.nextCursor! });
    expect([...second.items, ...third.items].map((i) => i.subjectId)).toEqual(['r2', 'r1', 'r0']);
    expect(third.nextCursor).toBeNull();
  });

  it('refuses a cursor it did not issue', async () => {
    const a = alerts();
    await expect(a.service.listFor('s1', { cursor: 'not-a-cursor!' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

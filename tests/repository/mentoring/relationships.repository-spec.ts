import type { DataSource } from 'typeorm';
import { insertGroup, insertUser, inTransaction, repositoryDataSource } from '../../setup/repository-db';
import { ProgrammesRepository } from '../../../libs/mentoring/src/programmes.repository';
import { RelationshipsRepository } from '../../../libs/mentoring/src/relationships.repository';
import { RequestsRepository } from '../../../libs/mentoring/src/requests.repository';

const DAY_MS = 24 * 3600_000;

describe('mentoring repositories on PostgreSQL', () => {
  let dataSource: DataSource;
  let programmes: ProgrammesRepository;
  let requests: RequestsRepository;
  let relationships: RelationshipsRepository;

  beforeAll(async () => {
    dataSource = await repositoryDataSource([]);
    programmes = new ProgrammesRepository(dataSource);
    requests = new RequestsRepository(dataSource);
    relationships = new RelationshipsRepository(dataSource);
  });
  afterAll(() => dataSource.destroy());

  /** A group with a programme, and a running relationship whose check-in fell due a day ago. */
  async function running(): Promise<{ groupId: string; programmeId: string; id: string; mentorId: string; menteeId: string }> {
    const groupId = await insertGroup(dataSource, { name: 'Mentoring group' });
    const programme = await programmes.upsert(groupId, { name: 'P', menteesPerMentor: 2, relationshipWeeks: 12, checkInEveryDays: 7, matchingQuestions: [] });
    const [mentorId, menteeId] = [await insertUser(dataSource), await insertUser(dataSource)];
    const requestId = (await requests.insert(programme.id, menteeId, {}))!;
    const id = await inTransaction(dataSource, (tx) =>
      relationships.insert(tx, { programmeId: programme.id, requestId, mentorId, menteeId, matchedBy: mentorId }),
    );
    const now = Date.now();
    await inTransaction(dataSource, (tx) =>
      relationships.start(tx, id, new Date(now - 8 * DAY_MS), new Date(now + 80 * DAY_MS), new Date(now - DAY_MS), '00000000-0000-4000-8000-000000000000'),
    );
    return { groupId, programmeId: programme.id, id, mentorId, menteeId };
  }

  it('claims a due check-in once, however many runs claim at the same moment, and again only once it falls due anew', async () => {
    const r = await running();
    const now = new Date();
    const claims = await Promise.all(Array.from({ length: 4 }, () => inTransaction(dataSource, (tx) => relationships.claimDueReminders(tx, now, 1000))));
    expect(claims.flat().filter((c) => c.id === r.id)).toEqual([
      expect.objectContaining({ id: r.id, groupId: r.groupId, mentorId: r.mentorId, menteeId: r.menteeId }),
    ]);
    await expect(
      inTransaction(dataSource, (tx) => relationships.claimDueReminders(tx, now, 1000)).then((c) => c.filter((x) => x.id === r.id)),
    ).resolves.toEqual([]);
    // A check-in held moves the next one on; when that falls due it is claimed again.
    await inTransaction(dataSource, (tx) => relationships.setNextCheckIn(tx, r.id, new Date(now.getTime() - 1000)));
    await expect(
      inTransaction(dataSource, (tx) => relationships.claimDueReminders(tx, now, 1000)).then((c) => c.filter((x) => x.id === r.id)),
    ).resolves.toHaveLength(1);
  });

  it('counts a mentor’s load and overdue check-ins, and publishes spans and mentees without other columns', async () => {
    const r = await running();
    const [loaded] = await inTransaction(dataSource, async (tx) => [await relationships.loadOf(tx, r.programmeId, r.mentorId)]);
    expect(loaded).toBe(1);
    const spans = await dataSource.query(`SELECT * FROM mentoring_relationship_spans WHERE programme_id = $1`, [r.programmeId]);
    expect(spans).toEqual([{ group_id: r.groupId, programme_id: r.programmeId, started_at: expect.any(Date), ended_at: null }]);
    const mentees = await dataSource.query(`SELECT mentee_id FROM mentoring_programme_mentees WHERE programme_id = $1`, [r.programmeId]);
    expect(mentees).toEqual([{ mentee_id: r.menteeId }]);
  });

  it('erases a mentee’s relationships with their goals and check-ins, and ends a mentor’s', async () => {
    const r = await running();
    await inTransaction(dataSource, (tx) =>
      relationships.insertGoal(tx, { relationshipId: r.id, what: 'Walk', byWhen: '2027-01-01', confidence: 5, createdBy: r.menteeId }),
    );
    await relationships.insertNote({ relationshipId: r.id, mentorId: r.mentorId, menteeId: r.menteeId, body: 'note' });
    await inTransaction(dataSource, (tx) => relationships.erasePerson(tx, r.mentorId, new Date()));
    await expect(relationships.find(r.id)).resolves.toMatchObject({ status: 'ended', endReason: null });
    await expect(relationships.notes(r.id)).resolves.toEqual([]);
    await inTransaction(dataSource, (tx) => relationships.erasePerson(tx, r.menteeId, new Date()));
    await expect(relationships.find(r.id)).resolves.toBeNull();
    const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM mentoring_goals WHERE relationship_id = $1`, [r.id]);
    expect(n).toBe(0);
  });
});

import request from 'supertest';
import { bearer, Person } from '../support/people';
import { createAdmin } from '../support/groups';
import { newPerson, signIn, visited } from './support/browser';
import { groupWith, memberOf, supporterOf } from './support/community';
import { startWebStack, WebStack } from './support/web-stack';

const DAY_MS = 24 * 3600_000;
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY_MS).toISOString().slice(0, 10);

/**
 * Peer mentoring in real Chromium: the mentee asks and agrees, the coordinator matches from the
 * suggestions and sees each mentor's load, the mentor agrees, writes, records a check-in and keeps
 * a note; and a supporter checks in privately from a review item, which the member answers. Every
 * page is checked with axe.
 */
describe('the web app, peer mentoring', () => {
  let stack: WebStack;
  let admin: Person;
  const url = (path: string) => `${stack.forum.url}${path}`;

  beforeAll(async () => {
    stack = await startWebStack();
    admin = await createAdmin(stack.forum);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('the mentee asks, the coordinator matches, both agree, and they write, set a goal, review it and keep notes', async () => {
    const group = await groupWith(stack.forum, admin, { mode: 'post' });
    const coordinator = await supporterOf(stack.forum, admin, group.id, group.code);
    const mentor = await memberOf(stack.forum, group.id, group.code);
    const mentee = await memberOf(stack.forum, group.id, group.code);
    await request(stack.forum.url)
      .put(`/groups/${group.id}/mentoring/programme`)
      .set(bearer(admin))
      .send({
        name: 'Peer mentoring',
        menteesPerMentor: 2,
        relationshipWeeks: 12,
        checkInEveryDays: 7,
        matchingQuestions: [
          { key: 'ageBand', label: 'Your age band', options: ['18-39', '40-59', '60+'] },
          { key: 'treatment', label: 'How you manage it now', options: ['Diet', 'Tablets', 'Insulin'] },
        ],
      })
      .expect(200);
    await request(stack.forum.url)
      .put(`/groups/${group.id}/mentoring/mentors/${mentor.id}`)
      .set(bearer(admin))
      .send({
        training: { modules: ['mentoring', 'boundaries', 'safeguarding'], completedOn: isoDay(-10), trainer: 'Peer support trainers', renewBy: isoDay(355) },
        answers: { ageBand: '40-59', treatment: 'Tablets' },
      })
      .expect(200);

    // The mentee asks.
    const menteeSide = await newPerson(stack.browser);
    await signIn(menteeSide.page, stack.forum.url, mentee.email, mentee.password);
    await menteeSide.page.goto(url(`/community/${group.id}/mentoring`));
    await menteeSide.page.getByRole('heading', { level: 2, name: 'Ask for a mentor' }).waitFor();
    await visited(menteeSide.page, 'mentoring, before asking', 'mentoring-ask');
    await menteeSide.page.getByLabel('Your age band').selectOption('40-59');
    await menteeSide.page.getByLabel('How you manage it now').selectOption('Tablets');
    await menteeSide.page.getByRole('button', { name: 'Ask for a mentor' }).click();
    await menteeSide.page.getByText(/A coordinator will suggest a mentor/).waitFor();
    await visited(menteeSide.page, 'mentoring, asked');

    // The coordinator matches from the suggestions.
    const coordinatorSide = await newPerson(stack.browser);
    await signIn(coordinatorSide.page, stack.forum.url, coordinator.email, coordinator.password);
    await coordinatorSide.page.goto(url(`/community/${group.id}/mentoring/coordinate`));
    const waiting = coordinatorSide.page.getByTestId('mentoring-request').filter({ hasText: mentee.displayName });
    await waiting.getByText(/matches 2 answers/).waitFor();
    await visited(coordinatorSide.page, 'coordinate mentoring, a request waiting', 'mentoring-coordinate');
    await waiting.getByRole('button', { name: `Match with ${mentor.displayName}` }).click();
    await coordinatorSide.page.getByText('Nobody is waiting.').waitFor();
    await coordinatorSide.page.getByTestId('mentor-load').filter({ hasText: mentor.displayName }).getByText('1 of 2').waitFor();
    await visited(coordinatorSide.page, 'coordinate mentoring, matched');

    // Both agree: the mentee on the mentoring page, the mentor from the relationship's page.
    await menteeSide.page.reload();
    const proposal = menteeSide.page.getByTestId('relationship').filter({ hasText: mentor.displayName });
    await proposal.getByRole('button', { name: `Agree to start with ${mentor.displayName}` }).click();
    await proposal.getByText('Waiting for both of you to agree.').waitFor();
    const relationships = (await request(stack.forum.url).get('/me/mentoring').set(bearer(mentor)).expect(200)).body.relationships;
    const relationshipId = relationships[0].id as string;
    const mentorSide = await newPerson(stack.browser);
    await signIn(mentorSide.page, stack.forum.url, mentor.email, mentor.password);
    await mentorSide.page.goto(url(`/mentoring/${relationshipId}`));
    await mentorSide.page.getByRole('button', { name: 'Agree to start' }).click();
    await mentorSide.page.getByRole('heading', { level: 2, name: 'Conversation' }).waitFor();

    // The mentor writes; the mentee reads it once screened.
    await mentorSide.page.getByLabel('Your message').fill('Hello! Glad to be matched with you. How are things this week?');
    await mentorSide.page.getByRole('button', { name: 'Send' }).click();
    await mentorSide.page.getByTestId('conversation-message').filter({ hasText: 'Glad to be matched' }).waitFor();
    await visited(mentorSide.page, 'mentoring, the mentor’s page', 'mentoring-mentor');

    await menteeSide.page.goto(url(`/mentoring/${relationshipId}`));
    await menteeSide.page.getByTestId('conversation-message').filter({ hasText: 'Glad to be matched' }).waitFor();
    await menteeSide.page.getByLabel('What you will do').fill('Walk for 20 minutes after dinner');
    await menteeSide.page.getByLabel('By when').fill(isoDay(28));
    await menteeSide.page.getByLabel('How confident you feel, from 0 to 10').selectOption('4');
    await menteeSide.page.getByRole('button', { name: 'Add goal' }).click();
    await menteeSide.page.getByTestId('goal').filter({ hasText: 'Confidence 4 out of 10' }).waitFor();
    // A mentee has no notes section: they are the mentor's own.
    expect(await menteeSide.page.getByRole('heading', { name: 'Your session notes' }).count()).toBe(0);
    await visited(menteeSide.page, 'mentoring, the mentee’s page', 'mentoring-mentee');

    // The mentor reviews the goal at a check-in and keeps a note.
    await mentorSide.page.reload();
    await mentorSide.page.getByRole('group', { name: 'Walk for 20 minutes after dinner' }).getByLabel('Confidence now, from 0 to 10').selectOption('7');
    await mentorSide.page.getByRole('button', { name: 'Record check-in' }).click();
    await mentorSide.page
      .getByTestId('goal')
      .filter({ hasText: 'Confidence 7 out of 10' })
      .getByText(/Reviewed at 1 check-in/)
      .waitFor();
    await mentorSide.page.getByLabel('New note').fill('Evenings are the hard part; we agreed to try walking after dinner.');
    await mentorSide.page.getByRole('button', { name: 'Save note' }).click();
    await mentorSide.page.getByTestId('note').filter({ hasText: 'Evenings are the hard part' }).waitFor();
    await visited(mentorSide.page, 'mentoring, after a check-in');

    // The mentee ends it; the conversation closes for both.
    await menteeSide.page.reload();
    await menteeSide.page.getByLabel('Why you are ending it').fill('I feel confident on my own now.');
    await menteeSide.page.getByRole('button', { name: 'End mentoring' }).click();
    await menteeSide.page.getByText('This mentoring has ended.').waitFor();
    await mentorSide.page.reload();
    await mentorSide.page.getByText(/Closed: nobody can write here any more/).waitFor();
    expect(await mentorSide.page.getByLabel('Your message').count()).toBe(0);
    await visited(mentorSide.page, 'mentoring, ended');

    for (const side of [menteeSide, coordinatorSide, mentorSide]) await side.context.close();
    // Three people's whole journey, each step waiting on screening or a poll: longer than one page's test.
  }, 300_000);

  it('a supporter checks in privately from a review item, and the member answers from their notice', async () => {
    const group = await groupWith(stack.forum, admin, { mode: 'post' });
    const supporter = await supporterOf(stack.forum, admin, group.id, group.code);
    const member = await memberOf(stack.forum, group.id, group.code);
    await request(stack.forum.url)
      .post(`/groups/${group.id}/topics`)
      .set(bearer(member))
      .send({ title: 'Tonight', body: 'I want to end my life tonight.' })
      .expect(202);

    const supporterSide = await newPerson(stack.browser);
    await signIn(supporterSide.page, stack.forum.url, supporter.email, supporter.password);
    await supporterSide.page.goto(url(`/community/${group.id}/review`));
    const item = supporterSide.page.getByTestId('review-item').filter({ hasText: 'end my life' });
    await item.getByRole('button', { name: 'Check in privately with this member' }).click();
    await supporterSide.page.getByRole('heading', { level: 1, name: 'Private conversation' }).waitFor();
    await supporterSide.page.getByLabel('Your message').fill('Hi, I saw your post. I am here if you would like to talk.');
    await supporterSide.page.getByRole('button', { name: 'Send' }).click();
    await supporterSide.page.getByTestId('conversation-message').filter({ hasText: 'I am here if you would like to talk' }).waitFor();
    await visited(supporterSide.page, 'a check-in, the supporter’s side', 'check-in-supporter');

    const memberSide = await newPerson(stack.browser);
    await signIn(memberSide.page, stack.forum.url, member.email, member.password);
    await memberSide.page.goto(url('/my/notices'));
    await memberSide.page.getByRole('link', { name: 'Open the check-in' }).click();
    await memberSide.page.getByTestId('conversation-message').filter({ hasText: 'I am here if you would like to talk' }).waitFor({ timeout: 15_000 });
    await memberSide.page.getByRole('button', { name: 'Decline this check-in' }).waitFor();
    await memberSide.page.getByLabel('Your message').fill('Thank you. It helps to know someone noticed.');
    await memberSide.page.getByRole('button', { name: 'Send' }).click();
    await memberSide.page.getByTestId('conversation-message').filter({ hasText: 'someone noticed' }).waitFor();
    await visited(memberSide.page, 'a check-in, the member’s side', 'check-in-member');

    // The supporter's page picks the answer up on its next poll.
    await supporterSide.page.getByTestId('conversation-message').filter({ hasText: 'someone noticed' }).waitFor({ timeout: 15_000 });
    for (const side of [supporterSide, memberSide]) await side.context.close();
  });
});

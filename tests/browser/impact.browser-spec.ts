import request from 'supertest';
import { DEFAULT_MEASURE_ID, QuestionnairesService } from '@kindred/outcomes';
import { bearer, Person, registerAndLogin } from '../support/people';
import { createAdmin } from '../support/groups';
import { screened } from '../support/community';
import { enrolTotp } from '../support/mfa';
import { newPerson, signIn, visited } from './support/browser';
import { groupWith, memberOf } from './support/community';
import { startWebStack, WebStack } from './support/web-stack';

type Json = Record<string, any>;

/**
 * The commissioner's journey in real Chromium: from the header to the impact report's charts and
 * tables, the CSV and the printable page, each axe-clean, seeing totals and never a person; and a
 * member answering the questionnaire that feeds it.
 */
describe('the impact report in the web app', () => {
  let stack: WebStack;
  let admin: Person;
  let group: { id: string; name: string; code: string };
  let members: Person[];
  let commissioner: Person;
  const url = (path: string) => `${stack.forum.url}${path}`;

  beforeAll(async () => {
    stack = await startWebStack();
    admin = await createAdmin(stack.forum);
    group = await groupWith(stack.forum, admin, { mode: 'post' });
    members = [];
    for (let i = 0; i < 12; i += 1) members.push(await memberOf(stack.forum, group.id, group.code));
    await request(stack.forum.url)
      .post(`/groups/${group.id}/outcome-measures`)
      .set(bearer(admin))
      .send({ measureId: DEFAULT_MEASURE_ID, intervalsMonths: [3] })
      .expect(201);
    const questionnaires = stack.worker.context.get(QuestionnairesService);
    const sentAt = new Date();
    await questionnaires.tick(sentAt);
    const answer = async (person: Person, wave: number, values: Json) => {
      const q = ((await request(stack.forum.url).get('/me/questionnaires').set(bearer(person)).expect(200)).body as Json[]).find((x) => x.wave === wave)!;
      await request(stack.forum.url).post(`/questionnaires/${q.id}/answers`).set(bearer(person)).send({ answers: values }).expect(200);
    };
    // The last member answers in the browser below.
    for (const [i, person] of members.slice(0, 11).entries())
      await answer(person, 0, { confidence: 3 + (i % 3), 'knowing-where-to-get-help': 4, 'less-alone': 5 });
    const later = new Date(sentAt);
    later.setUTCMonth(later.getUTCMonth() + 3);
    await questionnaires.tick(new Date(later.getTime() + 60_000));
    for (const [i, person] of members.slice(0, 10).entries())
      await answer(person, 3, { confidence: 6 + (i % 3), 'knowing-where-to-get-help': 7, 'less-alone': 8 });

    // Eleven of them post, so the activity figures show.
    for (const person of members.slice(0, 11)) {
      const posted = await request(stack.forum.url)
        .post(`/groups/${group.id}/topics`)
        .set(bearer(person))
        .send({ title: 'My week', body: 'A better week than the last one.' })
        .expect(202);
      await screened(stack.forum, person, posted.body.id);
    }

    commissioner = await registerAndLogin(stack.forum.url);
    await request(stack.forum.url).post('/commissioners').set(bearer(admin)).send({ userId: commissioner.id, groupId: group.id }).expect(201);
    await enrolTotp(stack.forum.url, commissioner);
  }, 180_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('lets a member answer their questionnaire on the scale', async () => {
    const member = members[11]!;
    const { context, page } = await newPerson(stack.browser);
    await signIn(page, stack.forum.url, member.email, member.password);
    await page.getByRole('link', { name: 'Questionnaires' }).click();
    await page.getByRole('heading', { name: 'How you are getting on' }).waitFor();
    // The baseline, and (as it was not answered) the 3-month follow-up too.
    const baseline = page.locator('section', { has: page.getByRole('heading', { name: 'Living with my condition', exact: true }) });
    await baseline.waitFor();
    await page.getByRole('heading', { name: 'Living with my condition: 3 months on' }).waitFor();
    await visited(page, 'questionnaire', 'questionnaire');
    for (const [question, value] of [
      [/How confident do you feel/, '7'],
      [/where to get it/, '6'],
      [/how alone have you felt/, '8'],
    ] as const) {
      await baseline.getByRole('group', { name: question }).getByRole('radio', { name: value, exact: true }).check();
    }
    await baseline.getByRole('button', { name: 'Save my answers' }).click();
    await page.getByText('Thank you. Your answers are saved; only you can see them.').waitFor();
    // Only the follow-up is left to answer.
    await baseline.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'Living with my condition: 3 months on' }).waitFor();
    const mine = (await request(stack.forum.url).get('/me/questionnaires').set(bearer(member)).expect(200)).body as Json[];
    expect(mine.find((q) => q.wave === 0)!.answers).toEqual({ confidence: 7, 'knowing-where-to-get-help': 6, 'less-alone': 8 });
    await context.close();
  });

  it('lets a member send feedback and comment on a proposed agreement change', async () => {
    const current = (await request(stack.forum.url).get(`/groups/${group.id}/agreement`).set(bearer(admin)).expect(200)).body;
    const clauses = [...current.clauses, { key: 'photos', title: 'Photos', text: 'Ask before sharing a photo of anyone else.' }];
    await request(stack.forum.url)
      .post(`/groups/${group.id}/agreement-proposals`)
      .set(bearer(admin))
      .send({ clauses, summary: 'A clause about photos' })
      .expect(201);
    const member = members[0]!;
    const { context, page } = await newPerson(stack.browser);
    await signIn(page, stack.forum.url, member.email, member.password);
    await page.goto(url(`/community/${group.id}`));
    await page.getByRole('navigation', { name: 'Group' }).getByRole('link', { name: 'Feedback' }).click();
    await page.getByRole('heading', { name: 'Feedback' }).waitFor();
    await page.getByLabel('Your feedback').fill('More evening cover in chat, please.');
    await page.getByRole('button', { name: 'Send feedback' }).click();
    await page.getByText('Thank you. Your feedback is sent.').waitFor();
    await visited(page, 'feedback', 'feedback');

    await page.getByRole('navigation', { name: 'Group' }).getByRole('link', { name: 'Proposals' }).click();
    await page.getByRole('heading', { name: /A clause about photos/ }).waitFor();
    await page.getByLabel('Your comment').fill('Yes, and screenshots too.');
    await page.getByRole('button', { name: 'Send comment' }).click();
    await page.getByText('Yes, and screenshots too.', { exact: false }).waitFor();
    await visited(page, 'agreement proposals', 'agreement-proposal');
    await context.close();

    const forAdmin = (await request(stack.forum.url).get(`/groups/${group.id}/feedback`).set(bearer(admin)).expect(200)).body as Json[];
    expect(forAdmin[0]).toMatchObject({ body: 'More evening cover in chat, please.', author: { id: member.id } });
  });

  it('shows the commissioner totals as charts and tables, withheld below ten, with a CSV and a printable page', async () => {
    const { context, page } = await newPerson(stack.browser);
    await signIn(page, stack.forum.url, commissioner.email, commissioner.password);
    await page.getByRole('link', { name: 'Impact report' }).click();
    await page.getByRole('heading', { name: 'Impact report' }).waitFor();
    await page.getByRole('combobox', { name: 'Group' }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Group' }).locator('option').allTextContents()).toEqual([group.name]);
    const membersFigure = page.getByRole('figure', { name: /Members at the end of each month/ });
    await membersFigure.getByRole('table').waitFor();
    const thisMonth = new Date().toISOString().slice(0, 7);
    const row = membersFigure.getByRole('row', { name: new RegExp(`^${thisMonth}`) });
    expect(await row.getByRole('cell').allTextContents()).toEqual(['12', '12']);
    // Last month had no members: withheld, as every cell under ten is.
    const earlier = await membersFigure.getByRole('row').nth(1).getByRole('cell').allTextContents();
    expect(earlier).toEqual(['fewer than 10', 'fewer than 10']);
    // A chart is drawn from the same figures.
    expect(await membersFigure.locator('.recharts-wrapper').count()).toBe(1);
    // Outcomes: 12 answered the baseline, 10 both; confidence among those ten: 3 + (0,1,2,0,1,2,0,1,2,0)/10 = 3.9, then 6.9.
    await page.getByText('Living with my condition: 12 people answered the baseline.').waitFor();
    const outcome = page.getByRole('figure', { name: /baseline and 3 months.*10 people answered both/ });
    expect(
      await outcome
        .getByRole('row', { name: /^confidence/ })
        .getByRole('cell')
        .allTextContents(),
    ).toEqual(['3.9', '6.9']);
    const activity = page.getByRole('figure', { name: /Posts and chat messages/ });
    expect(
      await activity
        .getByRole('row', { name: new RegExp(`^${thisMonth}`) })
        .getByRole('cell')
        .allTextContents(),
    ).toEqual(['11', 'fewer than 10']);
    await page.getByText('Mentoring relationships, active and started').first().waitFor();
    await visited(page, 'impact report', 'impact-report');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('kindred-impact-report.csv');
    const stream = await download.createReadStream();
    let csv = '';
    for await (const chunk of stream) csv += chunk.toString();
    expect(csv).toContain(`members,${thisMonth},members,12`);
    expect(csv).toContain('fewer than 10');

    await page.getByRole('link', { name: 'Printable version' }).click();
    await page.getByRole('heading', { name: `Kindred impact report: ${group.name}` }).waitFor();
    await page.getByRole('heading', { name: /Members at the end of each month/ }).waitFor();
    expect(await page.locator('.recharts-wrapper').count()).toBe(0);
    await visited(page, 'impact report, printable', 'impact-report-print');
    await context.close();
  });

  it('names no member on the commissioner’s pages and keeps them from member-level screens', async () => {
    const { context, page } = await newPerson(stack.browser);
    await signIn(page, stack.forum.url, commissioner.email, commissioner.password);
    await page.goto(url(`/impact?groupId=${group.id}`));
    await page
      .getByRole('figure', { name: /Members at the end of each month/ })
      .getByRole('table')
      .waitFor();
    const text = await page.locator('main').innerText();
    for (const person of members) expect(text).not.toContain(person.displayName);
    await page.goto(url('/admin/outcomes'));
    await page.getByText('Only admins can manage outcome measures.').waitFor();
    await context.close();
  });
});

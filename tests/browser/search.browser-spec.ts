import request from 'supertest';
import { bearer, Person } from '../support/people';
import { createAdmin } from '../support/groups';
import { screened } from '../support/community';
import { newPerson, signIn, visited } from './support/browser';
import { groupWith, memberOf } from './support/community';
import { startWebStack, WebStack } from './support/web-stack';

/** Search on the group page, in real Chromium: published words are found and marked, held ones never. */
describe('searching a group in the web app', () => {
  let stack: WebStack;
  let admin: Person;

  beforeAll(async () => {
    stack = await startWebStack();
    admin = await createAdmin(stack.forum);
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function topic(author: Person, groupId: string, title: string, body: string): Promise<Record<string, any>> {
    const response = await request(stack.forum.url).post(`/groups/${groupId}/topics`).set(bearer(author)).send({ title, body }).expect(202);
    return screened(stack.forum, author, response.body.id);
  }

  it('finds a published post with its match marked, links to its thread, and does not find a held one', async () => {
    const group = await groupWith(stack.forum, admin, { mode: 'post' });
    const writer = await memberOf(stack.forum, group.id, group.code);
    const reader = await memberOf(stack.forum, group.id, group.code);
    const published = await topic(writer, group.id, 'Getting about', 'I walked 5 < 6 laps & felt "great" today.');
    const held = await topic(writer, group.id, 'Walking group', 'Walking on Sundays, ring me on 07700 900123.');
    expect([published.status, held.status]).toEqual(['published', 'held']);

    const { context, page } = await newPerson(stack.browser);
    try {
      await signIn(page, stack.forum.url, reader.email, reader.password);
      await page.goto(`${stack.forum.url}/community/${group.id}`);
      const search = page.getByRole('search', { name: 'Search this group' });
      await search.getByLabel('Words to look for').fill('walking');
      await search.getByRole('button', { name: 'Search' }).click();
      const results = page.locator('.search-results li');
      await results.first().waitFor();
      expect(await results.count()).toBe(1);
      await expect(results.first().getByRole('link').textContent()).resolves.toBe('Getting about');
      expect(await results.first().locator('mark').allTextContents()).toEqual(['walked']);
      // The post's words are text, never markup.
      await expect(results.first().locator('.snippet').textContent()).resolves.toContain('walked 5 < 6 laps & felt "great"');
      expect(await page.getByText('Walking group').count()).toBe(0);
      await visited(page, 'search results', 'search');
      await page.setViewportSize({ width: 390, height: 844 });
      await visited(page, 'search results on a phone');

      await results.first().getByRole('link').click();
      await page.waitForURL(new RegExp(`/thread/${published.topicId}$`));
    } finally {
      await context.close();
    }
  });
});

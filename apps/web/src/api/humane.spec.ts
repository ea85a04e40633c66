import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { ERROR_CODES, DomainError } from '@kindred/domain';
import { problemOf } from '@kindred/http';
import { coverPromise, DEFAULT_AGREEMENT } from '@kindred/groups';
import { reportOutcomeNotice } from '@kindred/moderation';
import { noticeWords } from '../notice-words';
import { plainMessage } from './core';
import { formatWait, formatWhen, humaneFieldMessage, humaneText, rawWords } from './humane';
import type { Notice, Problem } from './types';

/**
 * Every notice and error message the web app shows goes through noticeWords, plainMessage or
 * humaneFieldMessage. These tests feed them everything the API can send (every error code, every
 * field message the API's validators and services hold, every kind of notice, old and new wording)
 * and fail on any raw key, code, field name or ISO time in what a person would read.
 */
// Times are shown in the reader's zone; these examples are written for UTC.
process.env.TZ = 'UTC';
const NOW = new Date('2026-12-05T20:00:00Z');
const ISO = '2026-12-05T22:18:33.642Z';
const clauseKeys = DEFAULT_AGREEMENT.map((c) => c.key);

function expectHumane(text: string): void {
  expect(rawWords(text)).toBeNull();
  for (const key of clauseKeys) expect(text).not.toContain(key);
}

const root = join(__dirname, '..', '..', '..', '..');
function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.spec.ts') && !name.includes('fakes')) out.push(path);
  }
  return out;
}

describe('the words a person reads', () => {
  it('finds raw words: ISO times, clause keys, error codes and field names', () => {
    expect(rawWords(`until ${ISO}`)).toBe(ISO);
    expect(rawWords('Agreement clause: look-out-for-each-other')).toBe('look-out-for-each-other');
    expect(rawWords('Failed: VALIDATION_FAILED')).toBe('VALIDATION_FAILED');
    expect(rawWords('displayName may use letters')).toBe('displayName');
    expect(rawWords('Please use two-step sign-in. Your display name needs 2 to 40 characters.')).toBeNull();
  });

  it('says when in the reader’s words, relative to today', () => {
    expect(formatWhen(ISO, NOW, 'en-GB')).toMatch(/^today, \d{1,2}:18/);
    expect(formatWhen('2026-12-06T22:18:00', NOW, 'en-US')).toMatch(/^tomorrow, 10:18\sPM$/);
    expect(formatWhen('2026-12-04T09:02:00', NOW, 'en-GB')).toMatch(/^yesterday, 0?9:02$/);
    expect(formatWhen('2027-01-20T09:02:00', NOW, 'en-GB')).toMatch(/^20 January 2027, 0?9:02$/);
    expect(formatWait(900)).toBe('15 minutes');
    expect(formatWait(3)).toBe('a few seconds');
  });

  it('turns an old message’s ISO time and quoted clause key into local time and the clause’s title', () => {
    const text = humaneText(
      `You are muted in this group until ${ISO} for going against the group agreement (clause "respect-each-other").`,
      new Map([['respect-each-other', 'Respect']]),
      NOW,
    );
    expect(text).toContain('(“Respect”)');
    expectHumane(text);
    expectHumane(humaneText('Not sent because of clause “look-out-for-each-other”.', new Map(), NOW));
  });

  it.each(ERROR_CODES)('%s: the message shown never holds a code, a key or an ISO time', (code) => {
    // The detail as older services wrote some of them: a time and a clause key in the words.
    const error = new DomainError(
      code,
      `That is not possible until ${ISO} (clause "no-graphic-detail").`,
      code === 'RATE_LIMITED' ? { retryAfter: 900 } : { until: ISO },
    );
    const problem = problemOf(error) as unknown as Problem;
    expectHumane(plainMessage(problem));
  });

  it('says how long a lockout lasts', () => {
    expect(plainMessage({ status: 429, code: 'RATE_LIMITED', retryAfter: 900 })).toMatch(/wait 15 minutes/);
  });

  it('gives every field message of the API’s validators in people’s words', () => {
    // Importing the controllers' DTOs registers their validators.
    for (const file of sources(join(root, 'apps', 'forum', 'src')).filter((f) => f.endsWith('.dto.ts'))) require(file);
    const metadata = (getMetadataStorage() as unknown as { validationMetadatas: Map<unknown, Array<{ propertyName: string; message?: unknown }>> })
      .validationMetadatas;
    const messages = [...metadata.values()].flat().filter((m) => typeof m.message === 'string');
    expect(messages.length).toBeGreaterThan(10);
    for (const m of messages) {
      const shown = humaneFieldMessage(m.propertyName, m.message as string);
      expect({ field: m.propertyName, shown, raw: rawWords(shown) }).toEqual({ field: m.propertyName, shown, raw: null });
    }
  });

  it('gives every field message the services write in people’s words', () => {
    const found: Array<{ field: string; message: string }> = [];
    const pattern = /\{\s*field:\s*'([\w.]+)',\s*message:\s*'((?:[^'\\]|\\.)*)'\s*\}/g;
    for (const file of [...sources(join(root, 'libs')), ...sources(join(root, 'apps', 'forum', 'src'))]) {
      for (const match of readFileSync(file, 'utf8').matchAll(pattern)) found.push({ field: match[1]!, message: match[2]!.replace(/\\'/g, "'") });
    }
    expect(found.length).toBeGreaterThan(20);
    for (const { field, message } of found) {
      const shown = humaneFieldMessage(field, message);
      expect({ field, shown, raw: rawWords(shown) }).toEqual({ field, shown, raw: null });
    }
  });

  describe('notices', () => {
    const base: Notice = {
      id: 'n',
      kind: 'removal',
      groupId: 'g',
      subjectId: 's',
      clauseKey: 'no-graphic-detail',
      clauseTitle: 'No graphic detail',
      message: '',
      createdAt: ISO,
      appealable: true,
      until: null,
      quote: null,
    };
    const OLD_MESSAGES: Array<[Notice['kind'], string]> = [
      [
        'removal',
        'A supporter removed something you wrote because it goes against the group agreement (clause "no-graphic-detail"). You can appeal if you think this is wrong.',
      ],
      [
        'rejection',
        'What you wrote was not published because it goes against the group agreement (clause "no-graphic-detail"). You can appeal if you think this is wrong.',
      ],
      ['warning', 'This is a warning: please keep to the group agreement (clause "no-graphic-detail"). Repeated problems can lead to a mute or a ban.'],
      ['mute', `You are muted in this group until ${ISO} for going against the group agreement (clause "no-graphic-detail"). You can still read.`],
      ['ban', 'You have been banned from this group for going against the group agreement (clause "no-graphic-detail").'],
      ['appeal', `Your appeal was upheld. A separate decision still keeps you muted in this group until ${ISO}.`],
      ['signposting', 'It sounds like things might be really hard right now. You are not alone.'],
      ['application', 'Your application to join was approved.'],
    ];

    it.each(OLD_MESSAGES)('%s: heading, sentences and clause are plain words, old wording included', (kind, message) => {
      for (const clauseTitle of ['No graphic detail', null]) {
        const words = noticeWords({ ...base, kind, message, clauseTitle, until: kind === 'mute' ? ISO : null }, NOW);
        for (const text of [words.heading, ...words.sentences, words.clause ?? '']) expectHumane(text);
      }
    });

    it('names the clause by its title and quotes the author’s words back to them', () => {
      const words = noticeWords({ ...base, message: 'A supporter removed something you wrote.', quote: 'my words' }, NOW);
      expect(words.clause).toBe('The part of the group agreement: “No graphic detail”');
      expect(words.quote).toBe('my words');
    });

    it('says when a mute ends, in local time', () => {
      const words = noticeWords({ ...base, kind: 'mute', message: 'You are muted in this group for a while.', until: '2026-12-06T22:18:00' }, NOW);
      expect(words.sentences.join(' ')).toMatch(/from tomorrow, /);
    });

    it.each([
      ['remove', 'removed'],
      ['remove', null],
      ['approve', 'published'],
      ['approve', null],
    ] as const)('tells a reporter the outcome (%s, content %s) in plain words, citing no clause and no sanction', (action, contentStatus) => {
      const notice = reportOutcomeNotice('r', { groupId: 'g', subjectId: 's', subjectType: 'post' }, action, contentStatus);
      const words = noticeWords({ ...base, kind: 'report-outcome', clauseKey: null, clauseTitle: null, appealable: false, message: notice.message }, NOW);
      expect(words.heading).toBe('About something you reported');
      expect(words.clause).toBeNull();
      for (const text of [words.heading, ...words.sentences]) {
        expectHumane(text);
        expect(text).not.toMatch(/\b(warn|warning|mute|muted|ban|banned)\b/i);
      }
    });

    it('says when supporters are next on in plain words, never an ISO time', () => {
      const promise = coverPromise([{ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }], 'Europe/London', NOW, 'your post will be checked');
      expect(promise.message).toBe('Supporters are not on right now; your post will be checked from 9:00 am on Monday.');
      expectHumane(promise.message!);
    });

    it('never makes support look like a breach: a signposting notice cites no clause', () => {
      const words = noticeWords(
        { ...base, kind: 'signposting', clauseKey: 'look-out-for-each-other', clauseTitle: 'Look out for each other', message: 'It sounds hard.' },
        NOW,
      );
      expect(words.clause).toBeNull();
      expect([words.heading, ...words.sentences].join(' ')).not.toMatch(/clause|agreement/i);
    });
  });
});

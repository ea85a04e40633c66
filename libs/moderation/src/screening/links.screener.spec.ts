import { screenLinks } from './links.screener';
import { normalise } from './normalise';

const untrusted = (text: string) => screenLinks(normalise(text), { authorTrusted: false });

describe('screenLinks', () => {
  it.each([
    ['see https://example.com/page', 'https://example.com/page'],
    ['http://kidney.org.uk', 'http://kidney.org.uk'],
    ['HTTPS://EXAMPLE.COM', 'HTTPS://EXAMPLE.COM'],
    ['read this: https://example.com/a?b=1.', 'https://example.com/a?b=1'],
    ['(https://example.com)', 'https://example.com'],
    ['www.kidneycareuk.org', 'www.kidneycareuk.org'],
    ['go to www.example.co.uk/path?x=1', 'www.example.co.uk/path?x=1'],
    ['kidneycareuk.org', 'kidneycareuk.org'],
    ['Visit kidneycareuk.org.', 'kidneycareuk.org'],
    ['mysite.co.uk', 'mysite.co.uk'],
    ['bit.ly/3xYz', 'bit.ly/3xYz'],
    ['t.me/somegroup', 't.me/somegroup'],
    ['youtu.be/dQw4w9WgXcQ', 'youtu.be/dQw4w9WgXcQ'],
    ['nhs.uk/conditions/kidney-disease', 'nhs.uk/conditions/kidney-disease'],
    ['buy-now.shop/deal', 'buy-now.shop/deal'],
    ['example.com:8080/x', 'example.com:8080/x'],
    ['cheap-meds.xyz', 'cheap-meds.xyz'],
    ['example dot com', 'example dot com'],
    ['example (dot) co (dot) uk', 'example (dot) co (dot) uk'],
    ['ｅｘａｍｐｌｅ．ｃｏｍ', 'ｅｘａｍｐｌｅ．ｃｏｍ'],
    ['exam\u200Bple.com', 'exam\u200Bple.com'],
    ['join my group at facebook.com/groups/x', 'facebook.com/groups/x'],
    // defanged, as in advisories and spam
    ['hxxps://evil[.]com', 'hxxps://evil[.]com'],
    ['hxxp://evil.com/x', 'hxxp://evil.com/x'],
    ['h**ps://evil.com', 'h**ps://evil.com'],
    ['hxxps[:]//evil[.]com/path', 'hxxps[:]//evil[.]com/path'],
    ['evil[.]com', 'evil[.]com'],
    ['evil(.)com', 'evil(.)com'],
    ['evil{.}org', 'evil{.}org'],
    ['evil[dot]net', 'evil[dot]net'],
    ['evil[.]co.uk', 'evil[.]co.uk'],
    ['www dot evil dot com', 'www dot evil dot com'],
    ['evil . com', 'evil . com'],
    ['cheapmeds dot co dot uk', 'cheapmeds dot co dot uk'],
  ])('holds %j', (text, value) => {
    const verdicts = untrusted(text);
    expect(verdicts).toEqual([
      {
        action: 'hold',
        source: 'link',
        clauseKey: 'no-selling-or-recruiting',
        detail: 'link from a member not yet trusted',
        spans: expect.any(Array),
      },
    ]);
    expect(verdicts[0]?.spans?.map((s) => text.slice(s.start, s.end))).toEqual([value]);
  });

  it.each([
    'e.g. the renal unit',
    'i.e. not yet',
    'Mr. Smith said hello',
    'Dr.Patel is lovely',
    'potassium 5.8',
    'eGFR went from 12.5 to 15.2',
    '2.5ml dose',
    'email me jo@example.com',
    'ok.so what now',
    'it works.Thanks',
    'the end.The next day',
    'E.coli infection',
    'see me at clinic',
    'etc. etc.',
    'a.m. and p.m.',
    'no links here',
    'the dot com boom',
    'finished. Net result was fine',
    'a dot on my arm',
    'I dot my i s',
    'see you at 3 . then home',
    '',
  ])('does not fire on %j', (text) => {
    expect(untrusted(text)).toEqual([]);
  });

  it.each(['https://example.com', 'kidneycareuk.org', 'bit.ly/xyz'])('never holds a trusted author: %j', (text) => {
    expect(screenLinks(normalise(text), { authorTrusted: true })).toEqual([]);
  });

  it('reports every link in the text', () => {
    const text = 'try a.com and b.org';
    expect(untrusted(text)[0]?.spans).toEqual([
      { start: 4, end: 9 },
      { start: 14, end: 19 },
    ]);
  });
});

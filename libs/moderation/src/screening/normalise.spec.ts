import { normalise, numberRuns, toOriginalSpan } from './normalise';

describe('normalise', () => {
  it.each([
    ['plain ASCII is lower-cased', 'Hello World', 'hello world', 'hello world'],
    ['full-width letters become ASCII', 'ｂｕｙ ｎｏｗ', 'buy now', 'buy now'],
    ['full-width upper case', 'ＢＵＹ', 'buy', 'buy'],
    ['full-width digits stay digits in plain', '０７７００', '07700', '07700'],
    ['zero-width space removed', 'k\u200Bill', 'kill', 'kill'],
    ['zero-width non-joiner and joiner removed', 'k\u200Ci\u200Dll', 'kill', 'kill'],
    ['left-to-right mark removed', 'ki\u200Ell', 'kill', 'kill'],
    ['word joiner removed', 'ki\u2060ll', 'kill', 'kill'],
    ['invisible separator removed', 'ki\u2063ll', 'kill', 'kill'],
    ['byte-order mark removed', '\uFEFFkill', 'kill', 'kill'],
    ['soft hyphen removed', 'ki\u00ADll', 'kill', 'kill'],
    ['Hangul filler removed', 'ki\u3164ll', 'kill', 'kill'],
    ['accents stripped', 'café naïve', 'cafe naive', 'cafe naive'],
    ['combining mark stripped', 'ki\u0301ll', 'kill', 'kill'],
    ['Cyrillic look-alikes become Latin', 'аеорсух', 'aeopcyx', 'aeopcyx'],
    ['Cyrillic і and ѕ', 'kіll ѕelf', 'kill self', 'kill self'],
    ['upper-case Cyrillic', 'ВОМВ', 'bomb', 'bomb'],
    ['Greek look-alikes become Latin', 'κιλλ ορα', 'kiλλ opa', 'kiλλ opa'],
    ['dotted capital I', 'İstanbul', 'istanbul', 'istanbul'],
    ['German sharp s folds to ss', 'Straße', 'strasse', 'strasse'],
    ['ligature unfolds', 'ﬁne', 'fine', 'fine'],
    ['curly apostrophe becomes straight', 'I’m', "i'm", "i'm"],
    ['en dash becomes hyphen, read as a space between words', 'self–harm', 'self harm', 'self-harm'],
    ['non-breaking space becomes a space', 'buy\u00A0now', 'buy now', 'buy now'],
    ['leetspeak folded inside words', 'k1ll mys3lf', 'kill myself', 'k1ll mys3lf'],
    ['all leet digits', 'h0w 1s 3v3ry0n3 4r0und 5t1ll 7h3r3', 'how is everyone around still there', 'h0w 1s 3v3ry0n3 4r0und 5t1ll 7h3r3'],
    ['@ and $ inside words', 'c@$h', 'cash', 'c@$h'],
    ['numbers on their own stay numbers', 'eGFR 15', 'egfr 15', 'egfr 15'],
    ['decimals stay numbers', 'potassium 5.8', 'potassium 5.8', 'potassium 5.8'],
    ['phone number digits survive', '07700 900123', '07700 900123', '07700 900123'],
    ['a price stays a price', '$5 off', '$5 off', '$5 off'],
    ['mixed-script word with leet and Cyrillic', 'Ѕ3LL', 'sell', 's3ll'],
    ['emoji kept', 'hi 🙂', 'hi 🙂', 'hi 🙂'],
    // digits of every script, mathematical and other confusable forms
    ['Arabic-Indic digits', '٠٧٧٠٠', '07700', '07700'],
    ['Devanagari digits', '०७७००', '07700', '07700'],
    ['Bengali digits', '০৭৭০০', '07700', '07700'],
    ['mathematical bold digits', '𝟎𝟕𝟕𝟎𝟎', '07700', '07700'],
    ['mathematical double-struck digits', '𝟘𝟟𝟟𝟘𝟘', '07700', '07700'],
    ['mathematical bold letters', '𝐤𝐢𝐥𝐥', 'kill', 'kill'],
    ['mathematical script letters', '𝓀𝒾𝓁𝓁', 'kill', 'kill'],
    ['circled letters', 'ⓚⓘⓛⓛ', 'kill', 'kill'],
    ['Lisu look-alikes from the confusables table', 'ꓗꓲꓡꓡ', 'klll', 'klll'],
    ['script l and Cherokee i from the confusables table', 'ℓⅼᎥ', 'lli', 'lli'],
    ['Latin alpha and script g', 'ɑɡ', 'ag', 'ag'],
    ['Armenian look-alikes from the confusables table', 'ոս', 'nu', 'nu'],
    ['Cyrillic s in a name', 'ѕupA', 'supa', 'supa'],
    // separators and spacing inside words
    ['hyphenated words read as separate words', 'kill-myself', 'kill myself', 'kill-myself'],
    ['underscored words', 'kill_myself', 'kill myself', 'kill_myself'],
    ['dotted letters', 'k.i.l.l', 'kill', 'k.i.l.l'],
    ['spaced letters joined', 'k i l l myself', 'kill myself', 'k i l l myself'],
    ['spaced letters with several separators', 'k - i - l - l', 'kill', 'k - i - l - l'],
    ['spaced leet letters', 'k 1 l l', 'kill', 'k 1 l l'],
    ['two spaced letters stay apart', 'a b', 'a b', 'a b'],
    ['initials with full stops stay apart', 'p.m.', 'p m.', 'p.m.'],
    ['numbers between letters untouched', 'b-12', 'b-12', 'b-12'],
    ['empty string', '', '', ''],
  ])('%s', (_label, input, text, plain) => {
    const n = normalise(input);
    expect(n.text).toBe(text);
    expect(n.plain).toBe(plain);
    expect(n.map).toHaveLength(n.plain.length);
    expect(n.textMap).toHaveLength(n.text.length);
    expect(n.original).toBe(input);
  });

  it('maps each normalised character back to the character that produced it', () => {
    const n = normalise('a\u200Bｂß');
    expect(n.text).toBe('abss');
    expect(n.map).toEqual([0, 2, 3, 3]);
  });

  it.each([
    ['zero-width char inside the match', 'say k\u200Bill now', 'kill', 'k\u200Bill'],
    ['full-width match', 'say ｋｉｌｌ now', 'kill', 'ｋｉｌｌ'],
    ['expanded character at the end', 'the straße sign', 'strasse', 'straße'],
    ['astral character at the end', 'x 🙂 y', '🙂', '🙂'],
  ])('maps a span back to the original: %s', (_label, input, needle, expected) => {
    const n = normalise(input);
    const start = n.text.indexOf(needle);
    const span = toOriginalSpan(n, start, start + needle.length);
    expect(input.slice(span.start, span.end)).toBe(expected);
  });

  it.each([
    ['spaced letters', 'I want to k i l l myself', 'kill', 'k i l l'],
    ['hyphenated', 'kill-myself', 'kill myself', 'kill-myself'],
    ['spaced leet', 'say k 1 l l', 'kill', 'k 1 l l'],
  ])('maps a span of the letter view back to the original: %s', (_label, input, needle, expected) => {
    const n = normalise(input);
    const start = n.text.indexOf(needle);
    const span = toOriginalSpan(n, start, start + needle.length, 'text');
    expect(input.slice(span.start, span.end)).toBe(expected);
  });

  it('returns an empty span for an empty range', () => {
    expect(toOriginalSpan(normalise('abc'), 1, 1)).toEqual({ start: 0, end: 0 });
  });
});

describe('numberRuns', () => {
  const runs = (text: string): string[] => numberRuns(normalise(text)).map((r) => r.digits);

  it.each([
    ['spaces', '07700 900123', ['07700900123']],
    ['several spaces', '07700   900123', ['07700900123']],
    ['slashes', '07700/900/123', ['07700900123']],
    ['dots', '943.476.5919', ['9434765919']],
    ['spaced dashes', '943 - 476 - 5919', ['9434765919']],
    ['commas and underscores', '07700,900_123', ['07700900123']],
    ['brackets', '(07700) [900] {123}', ['07700900123']],
    ['emoji', '07700 🙂 900 🙂 123', ['07700900123']],
    ['line breaks', '07700\n900\n123', ['07700900123']],
    ['letter O and o for zero', 'O77OO 9oo123', ['07700900123']],
    ['l and I for one', '07700 900l23 and 0I', ['07700900123', '01']],
    ['Arabic-Indic digits', '٠٧٧٠٠ ٩٠٠١٢٣', ['07700900123']],
    ['spelled-out digits', 'seven seven zero zero', ['7700']],
    ['oh as zero next to digits', 'oh seven seven', ['077']],
    ['double and triple', 'double oh seven triple nine', ['007999']],
    ['spelled and written mixed', '07700 nine zero zero one two three', ['07700900123']],
    ['a bar between digits, read both ways', '07700|900|123', ['07700900123', '0770019001123']],
    ['words break runs', '12 tablets and 15 more', ['12', '15']],
    ['dates and times break runs', '07/03/2025 1:30 and 07/03/2025', []],
    ['clock times break runs', 'at 14:30 then 9am', []],
    ['oh on its own is a word, not a number', 'oh no, oh well', []],
    ['letters alone are not numbers', 'oil lol', []],
  ])('%s', (_label, text, expected) => {
    expect(runs(text)).toEqual(expected);
  });

  it('keeps each group of a run with its span in plain', () => {
    const n = normalise('call 07700 - 900123');
    const [run] = numberRuns(n);
    expect(run?.groups.map((g) => n.plain.slice(g.start, g.end))).toEqual(['07700', '900123']);
    expect(run?.groups.map((g) => [g.from, g.to])).toEqual([
      [0, 5],
      [5, 11],
    ]);
  });

  it('is linear on a long run of look-alike letters with no digit', () => {
    const started = performance.now();
    numberRuns(normalise(`${'o5'.repeat(25_000)}x ${'o'.repeat(50_000)}`));
    expect(performance.now() - started).toBeLessThan(500);
  });
});

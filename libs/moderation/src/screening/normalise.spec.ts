import { normalise, toOriginalSpan } from './normalise';

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
    ['empty string', '', '', ''],
  ])('%s', (_label, input, text, plain) => {
    const n = normalise(input);
    expect(n.text).toBe(text);
    expect(n.plain).toBe(plain);
    expect(n.map).toHaveLength(n.text.length);
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

  it('returns an empty span for an empty range', () => {
    expect(toOriginalSpan(normalise('abc'), 1, 1)).toEqual({ start: 0, end: 0 });
  });
});

import { generateReferralCode, normaliseReferralCode, REFERRAL_CODE_ALPHABET, REFERRAL_CODE_LENGTH } from './referral-code';

describe('referral codes', () => {
  it('generates codes of the right length from the unambiguous alphabet', () => {
    for (let i = 0; i < 200; i += 1) {
      const code = generateReferralCode();
      expect(code).toHaveLength(REFERRAL_CODE_LENGTH);
      expect(code).toMatch(/^[2-9A-HJKMNP-TW-Z]+$/);
    }
  });

  it('leaves out characters people confuse', () => {
    for (const char of '01OILUV') expect(REFERRAL_CODE_ALPHABET).not.toContain(char);
  });

  it('uses the random source it is given, one pick per character', () => {
    const picks: number[] = [];
    const code = generateReferralCode((max) => {
      picks.push(max);
      return picks.length - 1;
    });
    expect(code).toBe(REFERRAL_CODE_ALPHABET.slice(0, REFERRAL_CODE_LENGTH));
    expect(picks).toEqual(Array(REFERRAL_CODE_LENGTH).fill(REFERRAL_CODE_ALPHABET.length));
  });

  test.each([
    ['ABCDE23456', 'ABCDE23456'],
    ['abcde23456', 'ABCDE23456'],
    ['abcde-23456', 'ABCDE23456'],
    [' ABCDE 23456 ', 'ABCDE23456'],
  ])('reads %p as %p', (typed, expected) => {
    expect(normaliseReferralCode(typed)).toBe(expected);
  });

  test.each(['', 'ABCDE2345', 'ABCDE234567', 'ABCDE2345O', "ABCDE2345'", 'ÄBCDE23456'])('refuses %p', (typed) => {
    expect(normaliseReferralCode(typed)).toBeNull();
  });
});

import { randomInt } from 'node:crypto';

/** Digits and capitals without the look-alikes 0/O, 1/I/L and U/V, so a code read aloud or copied from paper works. */
export const REFERRAL_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTWXYZ';
export const REFERRAL_CODE_LENGTH = 10;

/** A new code from the OS CSPRNG: about 48 bits, far beyond guessing at any rate the API allows. */
export function generateReferralCode(pick: (max: number) => number = randomInt): string {
  let code = '';
  for (let i = 0; i < REFERRAL_CODE_LENGTH; i += 1) code += REFERRAL_CODE_ALPHABET[pick(REFERRAL_CODE_ALPHABET.length)];
  return code;
}

/**
 * How a typed code is compared: case, spaces and hyphens do not matter ("abcde-fghjk" works).
 * Anything that could never be a code becomes null, so it is not looked up at all.
 */
export function normaliseReferralCode(input: string): string | null {
  const code = input.replace(/[\s-]+/g, '').toUpperCase();
  if (code.length !== REFERRAL_CODE_LENGTH) return null;
  for (const char of code) if (!REFERRAL_CODE_ALPHABET.includes(char)) return null;
  return code;
}

import { createHash, randomInt } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';

/** RFC 6238 as every authenticator app speaks it: SHA-1, 6 digits, 30-second steps. */
export const TOTP = { algorithm: 'sha1', digits: 6, period: 30 } as const;
/** A code of the step before or after the current one is still accepted (clock drift, typing time). */
const TOLERANCE_SECONDS = 30;
export const ISSUER = 'Kindred';
export const RECOVERY_CODE_COUNT = 10;
/** Letters and digits that cannot be misread for one another (no i, l, o, 0, 1): 12 of them carry about 59 bits. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** 160 random bits, base32 (what authenticator apps expect). */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/**
 * The enrolment URI for a QR code. Its label names the service and the person's display name only:
 * nothing about their condition or their groups shows on the phone that holds it.
 */
export function totpUri(secret: string, displayName: string): string {
  return generateURI({ issuer: ISSUER, label: displayName, secret, ...TOTP });
}

/** The time step a code was accepted for, or null. Steps at or before `afterStep` are refused (replay). */
export async function acceptedStep(secret: string, code: string, afterStep: number | null): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const result = await verify({
    secret,
    token: code,
    ...TOTP,
    epochTolerance: TOLERANCE_SECONDS,
    ...(afterStep === null ? {} : { afterTimeStep: afterStep }),
  }).catch(() => ({ valid: false as const }));
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

/** What a person typed, without spaces, dashes or case: `ab3d ef-GH…` and `ab3defgh…` are the same code. */
export function normaliseCode(code: string): string {
  return code.replace(/[\s-]/g, '').toLowerCase();
}

export function looksLikeTotp(code: string): boolean {
  return /^\d{6}$/.test(normaliseCode(code));
}

export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: 12 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('');
    return `${chars.slice(0, 6)}-${chars.slice(6)}`;
  });
}

/** Recovery codes are random and long, so a fast hash is enough; what is stored cannot be typed in. */
export function hashRecoveryCode(code: string): string {
  return createHash('sha256')
    .update(`recovery:${normaliseCode(code)}`)
    .digest('hex');
}

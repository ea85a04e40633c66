import { createHash, randomBytes } from 'node:crypto';

/** 256 bits from the OS CSPRNG, base64url: opaque, unguessable, and meaningless without the table. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Display names compare without case or spacing differences, so nobody can pose as someone else. */
export function normaliseDisplayName(name: string): string {
  return name.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
}

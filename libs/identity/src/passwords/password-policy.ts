import { COMMON_PASSWORDS } from './common-passwords';

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

/**
 * Length and a list of known-bad passwords, with no composition rules (NIST SP 800-63B,
 * OWASP ASVS 5.0). Returns a plain-language problem, or null when the password is acceptable.
 */
export function passwordProblem(password: string, context: { email?: string; displayName?: string } = {}): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters. A few unrelated words make a strong, memorable password.`;
  if (length > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters.`;
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) return 'That password is on a list of common or leaked passwords. Please choose another.';
  if (new Set(lower).size === 1) return 'That password is a single repeated character. Please choose another.';
  if (context.email && lower === context.email.trim().toLowerCase()) return 'Your password must not be your email address.';
  if (context.displayName && lower === context.displayName.trim().toLowerCase()) return 'Your password must not be your display name.';
  return null;
}

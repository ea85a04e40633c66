import { randomBytes } from 'node:crypto';
import { openSecret, sealSecret } from './secret-box';

describe('second-factor secrets at rest', () => {
  const key = randomBytes(32);
  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

  it('opens what it sealed, and the sealed text does not hold the secret', () => {
    const sealed = sealSecret(key, secret, 'user-a');
    expect(sealed).not.toContain(secret);
    expect(openSecret(key, sealed, 'user-a')).toBe(secret);
  });

  it('seals the same secret differently each time (a fresh IV)', () => {
    expect(sealSecret(key, secret, 'user-a')).not.toBe(sealSecret(key, secret, 'user-a'));
  });

  it.each([
    ['another key', (sealed: string) => openSecret(randomBytes(32), sealed, 'user-a')],
    ['another account', (sealed: string) => openSecret(key, sealed, 'user-b')],
    ['a changed ciphertext', (sealed: string) => openSecret(key, `${sealed.slice(0, -2)}AA`, 'user-a')],
    ['something else', () => openSecret(key, 'plain text', 'user-a')],
  ])('refuses to open with %s', (_name, open) => {
    const sealed = sealSecret(key, secret, 'user-a');
    expect(() => open(sealed)).toThrow();
  });
});

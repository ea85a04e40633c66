import { generate } from 'otplib';
import { acceptedStep, hashRecoveryCode, looksLikeTotp, newRecoveryCodes, newTotpSecret, totpUri } from './totp';

const codeAt = (secret: string, epoch: number) => generate({ secret, epoch });

describe('TOTP', () => {
  const secret = newTotpSecret();
  const now = Math.floor(Date.now() / 1000);
  const step = Math.floor(now / 30);

  it('makes 160-bit base32 secrets and an otpauth URI that names only Kindred and the display name', () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(totpUri(secret, 'KidneyWarrior'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Kindred:KidneyWarrior');
    expect(uri.searchParams.get('issuer')).toBe('Kindred');
    expect(uri.searchParams.get('secret')).toBe(secret);
  });

  it('accepts the current code and its neighbours, and says which step it was', async () => {
    expect(await acceptedStep(secret, await codeAt(secret, now), null)).toBe(step);
    expect(await acceptedStep(secret, await codeAt(secret, now + 30), null)).toBe(step + 1);
    expect(await acceptedStep(secret, await codeAt(secret, now - 30), null)).toBe(step - 1);
  });

  it('refuses codes from far off, malformed codes, and a step already used (replay)', async () => {
    expect(await acceptedStep(secret, await codeAt(secret, now - 300), null)).toBeNull();
    expect(await acceptedStep(secret, 'abcdef', null)).toBeNull();
    expect(await acceptedStep(secret, '1234567', null)).toBeNull();
    expect(await acceptedStep(secret, await codeAt(secret, now), step)).toBeNull();
    expect(await acceptedStep(secret, await codeAt(secret, now + 30), step)).toBe(step + 1);
  });

  it.each([
    ['123456', true],
    ['123 456', true],
    ['12345', false],
    ['abcdef-ghjkmn', false],
  ])('%s looks like a TOTP code: %s', (code, expected) => {
    expect(looksLikeTotp(code)).toBe(expected);
  });
});

describe('recovery codes', () => {
  it('makes ten distinct codes, and hashes them whatever the spacing or case', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{6}-[a-z2-9]{6}$/);
    const code = codes[0]!;
    expect(hashRecoveryCode(code.toUpperCase().replace('-', ' '))).toBe(hashRecoveryCode(code));
    expect(hashRecoveryCode(code)).not.toContain(code.replace('-', ''));
  });
});

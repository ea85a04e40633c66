import { displayNameSkeleton, roleClaim } from './display-name';

describe('displayNameSkeleton', () => {
  it.each([
    ['a Cyrillic ѕ for a Latin s', 'ѕupA', 'supA'],
    ['a different case', 'SUPA', 'supa'],
    ['a space inside', 'sup A', 'supA'],
    ['a non-breaking space inside', 'sup\u00a0A', 'supA'],
    ['full-width letters', 'ｓｕｐＡ', 'supA'],
    ['a zero-width space', 'su\u200bpA', 'supA'],
    ['a variation selector', 'supA\ufe0f', 'supA'],
    ['a Greek omicron for an o', 'Bοb', 'Bob'],
    ['a digit zero for a capital O', 'B0B', 'BOB'],
    ['a capital I for a small l', 'AIice', 'Alice'],
    ['a digit one for a small l', 'A1ice', 'Alice'],
    ['rn for m', 'Sarn', 'Sam'],
    ['mathematical bold letters', '𝐒𝐚𝐦', 'Sam'],
    ['leading and trailing spaces', '  Sam  ', 'Sam'],
    ['capitals, with a Cyrillic а in the other', 'RACE XIX', 'Rаce xix'],
    ['capital Is for small ls', 'BIll', 'Bill'],
    ['Greek capitals', 'ΗΑΝΝΑΗ', 'Hannah'],
  ])('treats %s as a look-alike', (_what, name, original) => {
    expect(displayNameSkeleton(name)).toBe(displayNameSkeleton(original));
  });

  it.each([
    ['different letters', 'Sam', 'Pam'],
    ['an extra letter', 'Sam', 'Sami'],
    ['different digits', 'Kidney 2', 'Kidney 3'],
    ['a hyphen between words', 'Mary-Ann', 'MaryAnn'],
  ])('tells apart %s', (_what, a, b) => {
    expect(displayNameSkeleton(a)).not.toBe(displayNameSkeleton(b));
  });

  it.each([...'abcdefghijklmnopqrstuvwxyzàáâäçèéêëìíîïñòóôöøùúûüýæœ'])('ignores case in Latin script: %s and its capital have one skeleton', (letter) => {
    expect(displayNameSkeleton(`Sam${letter.toUpperCase()}`)).toBe(displayNameSkeleton(`Sam${letter}`));
  });

  it('is stable: a skeleton is its own skeleton', () => {
    for (const name of ['ѕupA', 'A1ice', 'Sarn', 'Kidney Warrior']) {
      const once = displayNameSkeleton(name);
      expect(displayNameSkeleton(once)).toBe(once);
    }
  });
});

describe('roleClaim', () => {
  it('lets a member say what they are in brackets', () => {
    for (const name of ['Sam (volunteer)', 'Jo (carer)', 'Kim (dialysis since 2019)', 'Modest Mo', 'Teamwork Tess']) expect(roleClaim(name)).toBeNull();
  });

  it('refuses a name that claims a role Kindred gives, in any spelling the look-alike check folds together', () => {
    for (const name of ['Sam (supporter)', 'Sam (Supp0rter)', 'ѕam (ADMIN)', 'Kindred Team', 'Jo (moderator)', 'Official Sam', 'Sam_staff', 'Sam (mod)']) {
      expect(roleClaim(name)).toMatch(/does not say you are an admin, supporter/);
    }
  });
});

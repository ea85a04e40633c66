import { passwordProblem } from './password-policy';

describe('passwordProblem', () => {
  it.each([
    ['correct horse battery', null],
    ['Twelve chars', null],
    ['ÄÖÜäöüßÄÖÜäö', null],
    ['kidney beans on toast', null],
  ])('accepts %p', (password, expected) => {
    expect(passwordProblem(password)).toBe(expected);
  });

  it.each([
    ['short', /at least 12/],
    ['elevenchars', /at least 12/],
    ['x'.repeat(129), /at most 128/],
    ['passwordpassword', /common or leaked/],
    ['PasswordPassword', /common or leaked/],
    ['1qaz2wsx3edc', /common or leaked/],
    ['qwerty123456', /common or leaked/],
    ['aaaaaaaaaaaaaa', /single repeated character/],
  ])('refuses %p', (password, message) => {
    expect(passwordProblem(password)).toMatch(message);
  });

  it('refuses the email address and the display name as the password', () => {
    expect(passwordProblem('samuel@example.org', { email: 'Samuel@Example.org' })).toMatch(/email/);
    expect(passwordProblem('KidneyWarrior99', { displayName: 'kidneywarrior99' })).toMatch(/display name/);
  });

  it('counts characters, not UTF-16 code units', () => {
    expect(passwordProblem('🙂'.repeat(6) + 'abcde')).toMatch(/at least 12/);
  });
});

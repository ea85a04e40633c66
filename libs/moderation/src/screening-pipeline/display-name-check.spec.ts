import { ABOUT_ME_PROBLEM, aboutMeProblem, DISPLAY_NAME_PROBLEM, displayNameProblem } from './display-name-check';

describe('displayNameProblem', () => {
  it.each([
    ['a mobile number', 'Sam 07700 900123', DISPLAY_NAME_PROBLEM.personalData],
    ['a mobile number in full-width digits', 'Sam ０７７００ ９００１２３', DISPLAY_NAME_PROBLEM.personalData],
    ['an email address', 'sam@example.org', DISPLAY_NAME_PROBLEM.personalData],
    ['an NHS number', 'Sam 943 476 5919', DISPLAY_NAME_PROBLEM.personalData],
    ['a postcode', 'Sam SW1A 1AA', DISPLAY_NAME_PROBLEM.personalData],
    ['a street address', '12 Acacia Avenue', DISPLAY_NAME_PROBLEM.personalData],
    ['crisis words', 'I want to end my life', DISPLAY_NAME_PROBLEM.crisis],
    ['an offensive word', 'Fuck This', DISPLAY_NAME_PROBLEM.abusive],
    ['an offensive word in leetspeak', 'Sh1t Happens', DISPLAY_NAME_PROBLEM.abusive],
  ])('refuses %s', (_what, name, problem) => {
    expect(displayNameProblem(name)).toBe(problem);
  });

  it.each([['KidneyWarrior'], ['Sam'], ['Mary-Ann 2'], ['Stage 4 and counting'], ['Dialysis Dave'], ['Scunthorpe Sue'], ['Zoë']])('accepts %s', (name) => {
    expect(displayNameProblem(name)).toBeNull();
  });
});

describe('aboutMeProblem', () => {
  it.each([
    ['a mobile number', 'Text me on 07700 900123 any time', ABOUT_ME_PROBLEM.personalData],
    ['a number spelled out', 'call me on oh seven seven oh oh nine oh oh one two three', ABOUT_ME_PROBLEM.personalData],
    ['an email address', 'Write to sam@example.org', ABOUT_ME_PROBLEM.personalData],
    ['crisis words', 'Some days I want to end my life', ABOUT_ME_PROBLEM.crisis],
    ['an offensive word', 'Kidneys are shit', ABOUT_ME_PROBLEM.abusive],
    ['a web address', 'My blog is at www.example.org', ABOUT_ME_PROBLEM.link],
  ])('refuses %s, with the reason in its own words', (_what, text, problem) => {
    expect(aboutMeProblem(text)).toBe(problem);
  });

  it.each([['Diagnosed in 2019, on dialysis three times a week. I like crosswords and long walks.'], ['Stage 4 and counting, mum of two, Scunthorpe born.']])(
    'accepts %s',
    (text) => {
      expect(aboutMeProblem(text)).toBeNull();
    },
  );

  it('never speaks of a display name', () => {
    for (const message of Object.values(ABOUT_ME_PROBLEM)) expect(message).not.toMatch(/display name|aboutMe/);
  });
});

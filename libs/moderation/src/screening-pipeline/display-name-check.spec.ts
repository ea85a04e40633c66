import { DISPLAY_NAME_PROBLEM, displayNameProblem } from './display-name-check';

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

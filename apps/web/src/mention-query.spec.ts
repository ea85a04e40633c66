import { mentionQuery } from './mention-query';

describe('mentionQuery', () => {
  it('finds the name being typed after an @ just before the caret, spaces and brackets included', () => {
    expect(mentionQuery('Thanks @Ro', 10)).toEqual({ start: 7, query: 'Ro' });
    expect(mentionQuery('@Sam Jo', 7)).toEqual({ start: 0, query: 'Sam Jo' });
    expect(mentionQuery('hi @Jo (car', 11)).toEqual({ start: 3, query: 'Jo (car' });
    // Only what is before the caret counts.
    expect(mentionQuery('@Robin and more', 4)).toEqual({ start: 0, query: 'Rob' });
  });

  it('is not in a name: no @, an email address, an @ alone, a space last (a finished or picked name), a new line', () => {
    expect(mentionQuery('hello there', 11)).toBeNull();
    expect(mentionQuery('mail sam@exa', 12)).toBeNull();
    expect(mentionQuery('look @', 6)).toBeNull();
    expect(mentionQuery('@Sam Jones ', 11)).toBeNull();
    expect(mentionQuery('@Sam\nJo', 7)).toBeNull();
  });
});

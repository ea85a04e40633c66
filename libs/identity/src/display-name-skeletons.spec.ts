import { backfillSkeletons, skeletonAsMigrated } from '@kindred/database';
import { displayNameSkeleton } from './display-name';

describe('the display-name skeleton migration', () => {
  it.each([
    ['supA'],
    ['ѕupA'],
    ['SUPA'],
    ['sup A'],
    ['ｓｕｐＡ'],
    ['A1ice'],
    ['AIice'],
    ['RACE XIX'],
    ['Sarn'],
    ['Zoë'],
    ['Kidney Warrior 2'],
    ["O'Neil-Smith"],
    ['𝐒𝐚𝐦'],
  ])('computes the skeleton the app computes for %s (if not, a new migration must recompute them)', (name) => {
    expect(skeletonAsMigrated(name)).toBe(displayNameSkeleton(name));
  });

  it.each([
    ['distinct names', ['Sam', 'Pam'], ['sarn', 'parn']],
    ['a look-alike after the original', ['supA', 'ѕupA'], ['supa', 'supa#u2']],
    ['three of a kind', ['Bob', 'B0B', 'bob'], ['bob', 'bob#u2', 'bob#u3']],
    ['look-alikes among others', ['Alice', 'Sam', 'A1ice'], ['allce', 'sarn', 'allce#u3']],
  ])('%s: the oldest keeps the skeleton, later ones get it suffixed with their id', (_what, names, expected) => {
    const rows = names.map((displayName, i) => ({ id: `u${i + 1}`, displayName }));
    const skeletons = backfillSkeletons(rows).map((r) => r.skeleton);
    expect(skeletons).toEqual(expected);
    expect(new Set(skeletons).size).toBe(names.length);
  });
});

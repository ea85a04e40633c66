import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSettings } from './config';
import { configReference, SETTING_PURPOSES } from './config-reference';

const DOC = join(__dirname, '..', '..', '..', 'docs', 'CONFIGURATION.md');

describe('the configuration reference', () => {
  it('says what every variable the reader reads is for', () => {
    const undocumented = configSettings()
      .map((s) => s.name)
      .filter((name) => !SETTING_PURPOSES[name]);
    expect(undocumented).toEqual([]);
  });

  it('describes no variable that is not read', () => {
    const read = new Set(configSettings().map((s) => s.name));
    expect(Object.keys(SETTING_PURPOSES).filter((name) => !read.has(name))).toEqual([]);
  });

  it('is what docs/CONFIGURATION.md holds (npm run docs:config rewrites it)', () => {
    if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, configReference());
    expect(readFileSync(DOC, 'utf8')).toBe(configReference());
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { asyncApiDocument, asyncApiYaml } from './asyncapi-document';
import { CLIENT_EVENTS, SERVER_EVENTS } from './socket-events';

describe('the AsyncAPI document of the chat service', () => {
  it('is valid AsyncAPI 3 (@asyncapi/parser finds no error)', async () => {
    const diagnostics = await new Parser().validate(asyncApiYaml());
    expect(diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
  }, 30_000);

  it('has every event of the catalogue, with an ack for each client event', () => {
    const messages = (asyncApiDocument().components as { messages: Record<string, { name: string }> }).messages;
    const names = Object.values(messages).map((m) => m.name);
    for (const event of Object.keys(CLIENT_EVENTS)) expect(names).toEqual(expect.arrayContaining([event, `${event} ack`]));
    for (const event of Object.keys(SERVER_EVENTS)) expect(names).toContain(event);
  });

  it('is what docs/asyncapi.yaml holds (npm run openapi rewrites it)', () => {
    expect(readFileSync(join(__dirname, '..', '..', '..', 'docs', 'asyncapi.yaml'), 'utf8')).toBe(asyncApiYaml());
  });
});

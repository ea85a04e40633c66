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

  it('has every event of the catalogue, each way, with an ack for each client event', () => {
    const document = asyncApiDocument() as {
      components: { messages: Record<string, { name: string }> };
      operations: Record<string, { action: string; messages: Array<{ $ref: string }> }>;
    };
    const sent = (action: string) =>
      Object.values(document.operations)
        .filter((operation) => operation.action === action)
        .map((operation) => document.components.messages[operation.messages[0]!.$ref.split('/').pop()!]!.name);
    // chat:typing goes both ways: a client says it types, and the room hears it.
    expect(sent('receive').sort()).toEqual(Object.keys(CLIENT_EVENTS).sort());
    expect(sent('send').sort()).toEqual(Object.keys(SERVER_EVENTS).sort());
    expect(Object.keys(document.components.messages)).toHaveLength(2 * Object.keys(CLIENT_EVENTS).length + Object.keys(SERVER_EVENTS).length);
  });

  it('is what docs/asyncapi.yaml holds (npm run openapi rewrites it)', () => {
    expect(readFileSync(join(__dirname, '..', '..', '..', 'docs', 'asyncapi.yaml'), 'utf8')).toBe(asyncApiYaml());
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Keeps docs/openapi.json honest: every operation says what it answers on success (a schema, or a
 * 204), and every error it declares is problem+json with the shared ProblemDetails schema.
 * `npm run contract:check` separately makes sure the file is what the code produces.
 */
interface Operation {
  operationId: string;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
}

const spec = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
};
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const operations = Object.entries(spec.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => METHODS.includes(method))
    .map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })),
);

describe('docs/openapi.json', () => {
  it('has the forum’s endpoints', () => {
    expect(operations.length).toBeGreaterThan(30);
  });

  it.each(operations)('$name declares a success body with a schema, or a 204', ({ operation }) => {
    const success = Object.entries(operation.responses).filter(([status]) => /^2\d\d$/.test(status));
    expect(success.length).toBeGreaterThan(0);
    for (const [status, response] of success) {
      if (status === '204') continue;
      const schemas = Object.values(response.content ?? {}).map((media) => media.schema);
      expect(schemas.length).toBeGreaterThan(0);
      for (const schema of schemas) expect(schema).toBeDefined();
    }
  });

  it.each(operations)('$name declares its errors as problem+json', ({ operation }) => {
    const errors = Object.entries(operation.responses).filter(([status]) => /^[45]\d\d$/.test(status));
    for (const [, response] of errors) {
      expect(Object.keys(response.content ?? {})).toEqual(['application/problem+json']);
      const schema = response.content?.['application/problem+json']?.schema as { $ref?: string; allOf?: Array<{ $ref?: string }> } | undefined;
      expect(schema?.$ref ?? schema?.allOf?.[0]?.$ref).toBe('#/components/schemas/ProblemDetails');
    }
    // Anything behind sign-in can answer 401.
    if (operation.security?.length) expect(Object.keys(operation.responses)).toContain('401');
  });

  it('describes the problem body once, with its extra members', () => {
    expect(Object.keys(spec.components.schemas.ProblemDetails.properties ?? {})).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'code', 'errors', 'version', 'until']),
    );
  });

  it('names each schema once: no two DTO classes share a name', () => {
    // @nestjs/swagger keys schemas by class name, so a clash would silently document one body as the other.
    const names = Object.keys(spec.components.schemas);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['ApplicationDecisionDto', 'DecisionDto']));
  });
});

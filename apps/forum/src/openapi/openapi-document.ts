import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** The forum's OpenAPI document, as served at `/docs-json` and written to docs/openapi.json. */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Kindred API')
      .setDescription('A moderated, patients-only peer-support community. Errors are RFC 9457 problem+json with a stable `code`.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
}

import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { KindredConfig } from '@kindred/config';
import { createHttpApp } from '@kindred/http';
import { ForumAppModule } from './forum-app.module';

/** Builds the forum service (REST API and OpenAPI docs) without listening, for main.ts and tests alike. */
export async function createForumApp(config: KindredConfig): Promise<NestFastifyApplication> {
  const app = await createHttpApp(ForumAppModule.forRoot(config) as never, config, { servesPages: true });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Kindred API')
      .setDescription('A moderated, patients-only peer-support community. Errors are RFC 9457 problem+json with a stable `code`.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  return app;
}

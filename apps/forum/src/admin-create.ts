import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import { loadConfigOrExit } from '@kindred/config';
import { KindredConfigModule } from '@kindred/config';
import { DatabaseModule } from '@kindred/database';
import { EventsModule } from '@kindred/events';
import { DisplayNameScreen, IdentityModule, IdentityService } from '@kindred/identity';
import { displayNameProblem } from '@kindred/moderation';
import { QueuesModule } from '@kindred/queues';
import { RedisModule } from '@kindred/redis';

// `npm run admin:create -- --email E --password P --name N`
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } } });
  if (!values.email || !values.password || !values.name) {
    process.stderr.write('Usage: npm run admin:create -- --email E --password P --name N\n');
    process.exit(2);
  }
  const config = loadConfigOrExit();

  // Queues: identity can ask for mail (an admin made here is verified already, so none is sent).
  @Module({
    imports: [KindredConfigModule.forRoot(config), DatabaseModule.forRoot(config, 'admin-create'), RedisModule, EventsModule, QueuesModule, IdentityModule],
  })
  class AdminCreateModule {}

  const app = await NestFactory.createApplicationContext(AdminCreateModule, { logger: ['error', 'warn'] });
  // Staff names pass the same screeners as everyone's (the moderation module is not loaded here).
  app.get(DisplayNameScreen).use(displayNameProblem);
  try {
    const result = await app.get(IdentityService).createOrPromoteAdmin({ email: values.email, password: values.password, displayName: values.name });
    process.stdout.write(result.created ? `Created admin account ${result.id}.\n` : `Promoted existing account ${result.id} to admin.\n`);
    process.stdout.write('Before any admin work, sign in and turn on two-step sign-in on the account page.\n');
  } catch (error) {
    const e = error as { detail?: string; extra?: { errors?: Array<{ field: string; message: string }> } };
    const detail = e.extra?.errors?.map((x) => `${x.field}: ${x.message}`).join('\n') ?? e.detail ?? (error as Error).message;
    process.stderr.write(`Could not create the admin: ${detail}\n`);
    process.exitCode = 1;
  } finally {
    await app.close();
  }
}

void main();

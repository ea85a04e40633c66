import { loadConfigOrExit } from '@kindred/config';
import { bootOrExit } from '@kindred/http';
import { createForumApp } from './forum-app';

void bootOrExit('forum', async () => {
  const config = loadConfigOrExit();
  const app = await createForumApp(config);
  await app.listen({ port: config.ports.forum, host: config.host });
  return app;
});

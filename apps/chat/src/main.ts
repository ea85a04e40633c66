import { loadConfigOrExit } from '@kindred/config';
import { bootOrExit } from '@kindred/http';
import { createChatApp } from './chat-app';

void bootOrExit('chat', async () => {
  const config = loadConfigOrExit();
  const app = await createChatApp(config);
  await app.listen({ port: config.ports.chat, host: config.host });
  return app;
});

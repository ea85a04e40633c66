import { closeTestMailbox, testMailbox } from '../support/mailbox';

// Every test file gets a mailbox before its own hooks start any service, so registration mail
// (and every other) lands where tests/support/people.ts can read it.
beforeAll(async () => {
  process.env.KINDRED_TEST_SMTP_URL = (await testMailbox()).url;
});

afterAll(async () => {
  await closeTestMailbox();
});

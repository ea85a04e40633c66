import { Logger } from '@nestjs/common';
import { ChatRetentionService } from './chat-retention.service';
import type { MessagesRepository } from './messages.repository';

/** The one query the service uses: which rows go is the SQL's business (repository tier); here, what it hands back per group. */
class FakeMessagesRepository implements Pick<MessagesRepository, 'purgeExpired'> {
  batchSizes: number[] = [];
  constructor(private readonly deleted: Array<[string, number]>) {}
  async purgeExpired(batchSize: number) {
    this.batchSizes.push(batchSize);
    return new Map(this.deleted);
  }
}

function retention(deleted: Array<[string, number]>) {
  const messages = new FakeMessagesRepository(deleted);
  return { service: new ChatRetentionService(messages as unknown as MessagesRepository), messages };
}

describe('ChatRetentionService', () => {
  let logged: jest.SpyInstance;
  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => logged.mockRestore());

  it('says how many messages went from each group, for the audit log', async () => {
    const { service } = retention([
      ['g1', 1200],
      ['g2', 3],
    ]);
    await expect(service.purgeByGroup()).resolves.toEqual(
      new Map([
        ['g1', 1200],
        ['g2', 3],
      ]),
    );
  });

  it('adds up the groups for the total', async () => {
    const { service } = retention([
      ['g1', 1200],
      ['g2', 3],
    ]);
    await expect(service.purge()).resolves.toBe(1203);
    await expect(retention([]).service.purge()).resolves.toBe(0);
  });

  it('deletes in batches of a thousand unless told otherwise', async () => {
    const { service, messages } = retention([]);
    await service.purge();
    await service.purgeByGroup();
    await service.purge(50);
    await service.purgeByGroup(7);
    expect(messages.batchSizes).toEqual([1000, 1000, 50, 7]);
  });

  it('logs the number deleted only when something was', async () => {
    await retention([['g1', 0]]).service.purge();
    expect(logged).not.toHaveBeenCalled();
    await retention([
      ['g1', 2],
      ['g2', 5],
    ]).service.purge();
    expect(logged).toHaveBeenCalledTimes(1);
    expect(logged).toHaveBeenCalledWith({ deleted: 7 }, expect.any(String));
  });
});

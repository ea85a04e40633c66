import type { Logger } from '@nestjs/common';
import type { RateLimiterRedis } from 'rate-limiter-flexible';
import { DomainError } from '@kindred/http';
import { isLimitReached } from '@kindred/redis';

/** One budget to take a point from: a limiter and the key (account, address) it counts under. */
export interface Counter {
  limiter: RateLimiterRedis;
  key: string;
}

export interface BudgetWords {
  /** What a caller over the limit is told (429). */
  limited: string;
  /** What a caller is told when Redis cannot count (503). */
  unavailable: string;
  /** What was refused, for the log line. */
  what: string;
}

/**
 * The discipline every secret check follows (passwords, mailed links, second-factor codes): a point
 * is taken from each counter BEFORE `verify` runs, atomically in Redis, and given back when
 * `succeeded` says it worked. However many guesses arrive at once, at most the limit of them are
 * ever evaluated. Over the limit: RATE_LIMITED (429, Retry-After); Redis unable to count:
 * SERVICE_UNAVAILABLE (503). `verify` runs in neither case.
 */
export async function withinBudget<T>(
  counters: Counter[],
  words: BudgetWords,
  logger: Logger,
  verify: () => Promise<T>,
  succeeded: (result: T) => boolean,
): Promise<T> {
  const taken = await Promise.allSettled(counters.map(({ limiter, key }) => limiter.consume(key)));
  const refusals = taken.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
  if (refusals.length > 0) {
    // Nothing was checked: a point that one of them did take goes back.
    await giveBack(
      counters.filter((_, i) => taken[i]!.status === 'fulfilled'),
      logger,
    );
    const failure = refusals.find((reason) => !isLimitReached(reason));
    if (failure !== undefined) {
      logger.error({ err: failure }, `${words.what} refused: attempt limits unavailable (Redis)`);
      throw new DomainError('SERVICE_UNAVAILABLE', words.unavailable, {}, { 'Retry-After': '5' });
    }
    const waitMs = Math.max(...refusals.map((reason) => (isLimitReached(reason) ? reason.msBeforeNext : 0)));
    throw DomainError.rateLimited(waitMs / 1000, words.limited);
  }
  const result = await verify();
  if (succeeded(result)) await giveBack(counters, logger);
  return result;
}

async function giveBack(counters: Counter[], logger: Logger): Promise<void> {
  await Promise.all(
    counters.map(({ limiter, key }) => limiter.reward(key).catch((error: Error) => logger.warn({ err: error }, 'attempt not given back (Redis)'))),
  );
}

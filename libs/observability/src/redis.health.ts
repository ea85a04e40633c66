import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { RedisService } from '@kindred/redis';

@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly redis: RedisService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async isHealthy(key: string) {
    const indicator = this.indicators.check(key);
    const started = Date.now();
    const ok = await Promise.race([this.redis.ping(), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000))]);
    return ok ? indicator.up({ latencyMs: Date.now() - started }) : indicator.down({ message: 'Redis is not answering' });
  }
}

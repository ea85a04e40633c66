import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { MetricsController, MetricsRegistry } from './metrics';
import { RedisHealthIndicator } from './redis.health';

/** `/health` (real PostgreSQL and Redis checks) and `/metrics` for every process. */
@Global()
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json', gracefulShutdownTimeoutMs: 0 })],
  controllers: [HealthController, MetricsController],
  providers: [RedisHealthIndicator, MetricsRegistry],
  exports: [MetricsRegistry],
})
export class ObservabilityModule {}

import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { MetricsRegistry, MetricsServer } from './metrics';
import { RedisHealthIndicator } from './redis.health';

/** `/health` (real PostgreSQL and Redis checks) for every process, and `/metrics` on an internal listener (MetricsServer). */
@Global()
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json', gracefulShutdownTimeoutMs: 0 })],
  controllers: [HealthController],
  providers: [RedisHealthIndicator, MetricsRegistry, MetricsServer],
  exports: [MetricsRegistry, MetricsServer],
})
export class ObservabilityModule {}

import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { isDraining, Public } from '@kindred/http';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { RedisHealthIndicator } from './redis.health';

const CHECKS = { type: 'object', additionalProperties: { type: 'object', properties: { status: { type: 'string' } } } } as const;
const HEALTH_RESULT = {
  status: { type: 'string', enum: ['ok'] },
  info: CHECKS,
  error: CHECKS,
  details: { ...CHECKS, example: { postgres: { status: 'up' }, redis: { status: 'up' } } },
};

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  /** 200 when PostgreSQL and Redis both answer; 503 with the failing check otherwise, and while the instance drains before shutting down. */
  @ApiOkResponse({ description: 'Both answer.', schema: { type: 'object', properties: HEALTH_RESULT } })
  // The problem filter answers terminus's 503 as problem+json SERVICE_UNAVAILABLE, so terminus's own documentation of it would be wrong.
  @ApiResponse({
    status: 503,
    description: 'SERVICE_UNAVAILABLE: PostgreSQL or Redis does not answer, or this instance is shutting down (draining).',
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } },
  })
  @Get()
  @HealthCheck({ swaggerDocumentation: false })
  check() {
    // Shutting down: the load balancer must stop sending requests here before the listener closes.
    if (isDraining()) throw new ServiceUnavailableException('This instance is shutting down.');
    return this.health.check([() => this.db.pingCheck('postgres', { timeout: 1500 }), () => this.redis.isHealthy('redis')]);
  }
}

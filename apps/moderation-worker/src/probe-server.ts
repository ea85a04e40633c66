import type { INestApplicationContext } from '@nestjs/common';
import Fastify, { FastifyInstance } from 'fastify';
import { HealthCheckError } from '@nestjs/terminus';
import { HealthController, MetricsRegistry } from '@kindred/observability';

/** The worker has no API: this tiny server only answers /health and /metrics for orchestrators. */
export async function startProbeServer(context: INestApplicationContext, host: string, port: number): Promise<FastifyInstance> {
  const server = Fastify({ logger: false });
  const health = context.get(HealthController, { strict: false });
  const metrics = context.get(MetricsRegistry, { strict: false });
  server.get('/health', async (_request, reply) => {
    try {
      return await health.check();
    } catch (error) {
      const response = (error as { getResponse?: () => unknown }).getResponse?.() ?? { status: 'error' };
      return reply.status(503).send(error instanceof HealthCheckError ? { status: 'error' } : response);
    }
  });
  server.get('/metrics', async (_request, reply) => reply.type('text/plain; version=0.0.4; charset=utf-8').send(await metrics.render()));
  await server.listen({ host, port });
  return server;
}

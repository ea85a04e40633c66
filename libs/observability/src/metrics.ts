import { INestApplication, Injectable, OnApplicationShutdown } from '@nestjs/common';
import Fastify, { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** One Prometheus registry per process, with Node's default metrics. */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();
  private readonly collectors: Array<() => Promise<void>> = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Gauges refreshed at scrape time (queue depth, overdue counts) register a collector here. */
  onScrape(collector: () => Promise<void>): void {
    this.collectors.push(collector);
  }

  async render(): Promise<string> {
    await Promise.all(this.collectors.map((c) => c().catch(() => undefined)));
    return this.registry.metrics();
  }
}

/**
 * Prometheus `/metrics` on an internal listener of its own (METRICS_HOST, loopback by default), so
 * the public port never shows queue depths, review backlogs or process details. Nothing else is
 * served there. Closed with the application.
 */
@Injectable()
export class MetricsServer implements OnApplicationShutdown {
  private server?: FastifyInstance;

  constructor(private readonly metrics: MetricsRegistry) {}

  /** Listens on host:port (0: any free port) and returns the address, e.g. http://127.0.0.1:9464. */
  async listen(host: string, port: number): Promise<string> {
    if (this.server) return this.url!;
    const server = Fastify({ logger: false });
    server.get('/metrics', async (_request, reply) => reply.type('text/plain; version=0.0.4; charset=utf-8').send(await this.metrics.render()));
    await server.listen({ host, port });
    this.server = server;
    return this.url!;
  }

  /** Where it listens, once it does. */
  get url(): string | undefined {
    const address = this.server?.server.address();
    if (!address || typeof address === 'string') return undefined;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
  }
}

/**
 * Starts the app's metrics listener when the app itself starts listening (fastify's onReady), so a
 * service built for a test but never started opens no port.
 */
export function serveMetricsWith(app: INestApplication, host: string, port: number): void {
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  fastify.addHook('onReady', async () => {
    await app.get(MetricsServer).listen(host, port);
  });
}

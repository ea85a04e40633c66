import type { INestApplicationContext } from '@nestjs/common';

let draining = false;

/** True from SIGTERM (or SIGINT) until the process exits: `/health` answers 503 meanwhile. */
export function isDraining(): boolean {
  return draining;
}

/**
 * Graceful shutdown behind a load balancer. On SIGTERM or SIGINT the process first drains: for
 * `drainSeconds` it keeps serving every request (and open sockets) while `/health` answers 503, so
 * the balancer's health check takes it out of rotation and sends new requests elsewhere; then the
 * application closes (fastify answers 503 to requests on connections still open, in-flight requests
 * finish, every module's shutdown hook runs) and the signal is raised again to end the process, as
 * Nest's own shutdown hooks do.
 */
export function closeGracefullyOnSignals(app: INestApplicationContext, drainSeconds: number): void {
  const listeners = new Map<NodeJS.Signals, () => void>();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const onSignal = () => {
      for (const [name, listener] of listeners) process.removeListener(name, listener);
      draining = true;
      void (async () => {
        if (drainSeconds > 0) await new Promise((resolve) => setTimeout(resolve, drainSeconds * 1000));
        try {
          await app.close();
        } finally {
          process.kill(process.pid, signal);
        }
      })();
    };
    listeners.set(signal, onSignal);
    process.once(signal, onSignal);
  }
  // An app closed some other way (a test, a one-shot command) leaves no listener behind.
  const close = app.close.bind(app);
  app.close = async () => {
    for (const [name, listener] of listeners) process.removeListener(name, listener);
    await close();
  };
}

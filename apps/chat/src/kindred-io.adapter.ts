import { INestApplicationContext, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type IORedis from 'ioredis';
import type { Server, ServerOptions, Socket } from 'socket.io';
import type { KindredConfig } from '@kindred/config';
import { bearerToken, cookieToken, IdentityService } from '@kindred/identity';
import { openRedis } from '@kindred/redis';

/**
 * The session token a socket connected with: `auth.token`, or a Bearer header from native clients,
 * or the web app's session cookie. The cookie counts only from a browser page (an `Origin` header,
 * which the server has already checked against the allowed origins), so no other site can open a
 * socket in someone's name.
 */
export function handshakeToken(socket: Pick<Socket, 'handshake'>): string | undefined {
  const auth = socket.handshake.auth as { token?: unknown } | undefined;
  if (typeof auth?.token === 'string') return auth.token;
  const bearer = bearerToken(socket.handshake.headers.authorization);
  if (bearer) return bearer;
  return socket.handshake.headers.origin ? cookieToken(socket.handshake.headers.cookie) : undefined;
}

/**
 * socket.io for Kindred: rooms shared across instances through Redis, a small message size,
 * browsers only from allowed origins, and no connection without a live session.
 */
export class KindredIoAdapter extends IoAdapter {
  private readonly logger = new Logger('ChatHandshake');
  private readonly pub: IORedis;
  private readonly sub: IORedis;

  constructor(
    private readonly app: INestApplicationContext,
    private readonly config: KindredConfig,
  ) {
    super(app);
    this.pub = openRedis(config, 'publisher');
    this.sub = openRedis(config, 'subscriber');
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const allowed = new Set(this.config.chat.allowedOrigins);
    const server: Server = super.createIOServer(port, {
      ...options,
      maxHttpBufferSize: this.config.chat.maxHttpBufferBytes,
      pingInterval: 20000,
      pingTimeout: 20000,
      // Credentials so the web app's session cookie reaches the long-polling transport; the origins stay the allowed ones.
      cors: { origin: [...allowed], credentials: true },
      // Browsers always send Origin; refuse any page not on the allow-list. Native clients send none.
      allowRequest: (request, callback) => {
        const origin = request.headers.origin;
        const ok = origin === undefined || allowed.has(origin);
        if (!ok) this.logger.warn({ event: 'origin-refused', origin }, 'socket refused');
        callback(ok ? null : 'ORIGIN_NOT_ALLOWED', ok);
      },
    } as ServerOptions);
    server.adapter(createAdapter(this.pub, this.sub, { key: `${this.config.redis.prefix}:socket.io` }));

    const identity = this.app.get(IdentityService);
    server.use((socket, next) => {
      const token = handshakeToken(socket);
      identity
        .authenticate(token)
        .then((user) => {
          if (!user) {
            this.logger.warn({ event: 'unauthenticated', hadToken: Boolean(token) }, 'socket refused');
            return next(new Error('UNAUTHENTICATED'));
          }
          socket.data.user = user;
          next();
        })
        .catch(() => next(new Error('UNAVAILABLE')));
    });
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all([this.pub.quit().catch(() => undefined), this.sub.quit().catch(() => undefined)]);
  }
}

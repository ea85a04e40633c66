import { Inject, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ConnectedSocket, MessageBody, OnGatewayConnection, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { ChatPosition, ChatService, ClientEventName, ClientToServerEvents, ErrorAck, ServerPayload, ServerToClientEvents, SocketAck } from '@kindred/chat';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { EventBus } from '@kindred/events';
import { DomainError, toDomainError } from '@kindred/http';
import { AuthUser, IdentityService } from '@kindred/identity';
import { parseGroup, parseJoin, parseSend, Parsed } from './chat-payloads';
import { handshakeToken } from './kindred-io.adapter';

export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
export const groupRoom = (groupId: string) => `group:${groupId}`;
export const moderatorsRoom = (groupId: string) => `moderators:${groupId}`;
export const ADMINS_ROOM = 'admins';

/** Sockets and server typed by the event catalogue in @kindred/chat (docs/asyncapi.yaml): an emit or ack that strays from it does not compile. */
type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** A socket's session is looked up again at most this often for cheap events (typing); sends and joins always look. */
const SESSION_RECHECK_MS = 5_000;
/** How many published messages one read of the database delivers to a room. */
const DELIVERY_BATCH = 200;

/** Per group, on this instance: how far the room's stream has been delivered, and whether a delivery is running. */
interface RoomStream {
  position: ChatPosition;
  running: boolean;
  again: boolean;
}

/** Typing indicators are a courtesy: at most one per socket and group in this interval reaches the room. */
const TYPING_INTERVAL_MS = 2_000;

/**
 * The chat service's socket events. Every event is checked on its own — session, membership,
 * agreement, mute, ban — because all of them can change while a socket stays open.
 *
 * Server-to-client delivery: the worker and the forum publish domain events on the events lib
 * (Redis pub/sub), which every chat instance receives; each instance then emits with
 * `server.local` to its own sockets only. We chose that over the socket.io Redis emitter because
 * the producers stay free of socket.io (rooms and payload shapes live here alone, and nothing
 * else broadcasts to members), the same events also drive room upkeep (bans, logouts), and
 * `.local` means each socket gets each event exactly once however many instances run.
 * A published message's event is only a nudge: the instance reads what was published since it
 * last delivered to that room and sends it in publication order, so a lost or late event never
 * leaves a gap and a client's last message is always the right `after` for catching up.
 */
@WebSocketGateway()
export class ChatGateway implements OnGatewayConnection, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ChatGateway.name);
  @WebSocketServer() server: Server<ClientToServerEvents, ServerToClientEvents>;
  private readonly streams = new Map<string, RoomStream>();
  private sweep?: NodeJS.Timeout;

  constructor(
    private readonly events: EventBus,
    private readonly identity: IdentityService,
    private readonly chat: ChatService,
    @Inject(APP_CONFIG) private readonly config: KindredConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    // Every instance hears the event and closes its own sockets for those sessions.
    await this.events.subscribe('session.revoked', ({ userId, sessionIds }) => {
      const rooms = sessionIds?.length ? sessionIds.map(sessionRoom) : [userRoom(userId)];
      this.server.local.in(rooms).disconnectSockets(true);
    });
    await this.events.subscribe('membership.changed', ({ userId, groupId }) => this.recheck(userId, groupId));
    await this.events.subscribe('message.screened', (event) => {
      if (event.status === 'published') {
        void this.deliver(event.groupId);
      } else if (event.status === 'held') {
        this.server.local
          .to(userRoom(event.authorId))
          .emit('chat:held', { id: event.id, groupId: event.groupId, clientMsgId: event.clientMsgId, reasons: event.reasons ?? [] });
      } else if (event.status === 'rejected') {
        this.server.local.to(userRoom(event.authorId)).emit('chat:rejected', {
          id: event.id,
          groupId: event.groupId,
          clientMsgId: event.clientMsgId,
          clauseKey: event.rejection?.clauseKey ?? null,
          message: event.rejection?.message ?? '',
        });
      }
    });
    this.sweep = setInterval(() => {
      for (const groupId of this.streams.keys()) void this.deliver(groupId);
    }, this.config.chat.deliverySweepSeconds * 1000);
    this.sweep.unref();
    await this.events.subscribe('message.removed', ({ id, groupId }) => {
      this.server.local.to(groupRoom(groupId)).emit('chat:removed', { id, groupId });
    });
    await this.events.subscribe('notice.created', ({ userId, notice }) => {
      // The event bus carries the NoticeView that NoticesService made; the catalogue's schema is checked against that type.
      this.server.local.to(userRoom(userId)).emit('notice', notice as ServerPayload<'notice'>);
    });
    await this.events.subscribe('review.changed', ({ groupId, kind, item, audience }) => {
      // Items about a supporter's own words are for admins alone, so members can report volunteers safely.
      const rooms = audience === 'admins' ? [ADMINS_ROOM] : [moderatorsRoom(groupId), ADMINS_ROOM];
      // As for notices: the bus carries ReviewItemsService's ReviewItemView, which the catalogue's schema is checked against.
      this.server.local.to(rooms).emit(kind, item as ServerPayload<typeof kind>);
    });
  }

  onModuleDestroy(): void {
    clearInterval(this.sweep);
  }

  async handleConnection(socket: ChatSocket): Promise<void> {
    const user = socket.data.user as AuthUser;
    socket.data.sessionCheckedAt = Date.now();
    socket.data.typedAt = new Map<string, number>();
    const rooms = [userRoom(user.id), sessionRoom(user.sessionId)];
    if (user.isAdmin) rooms.push(ADMINS_ROOM);
    try {
      rooms.push(...(await this.chat.supportedGroupIds(user)).map(moderatorsRoom));
    } catch (error) {
      this.logger.warn({ userId: user.id, err: (error as Error).message }, 'review alerts not joined for this socket');
    }
    await socket.join(rooms);
    this.logger.debug({ userId: user.id }, 'socket connected');
  }

  @SubscribeMessage('chat:join')
  join(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown): Promise<SocketAck<'chat:join'>> {
    return this.handle('chat:join', socket, parseJoin(payload), { fresh: true }, async (user, { groupId, after }) => {
      await this.chat.authorise(user, groupId);
      // Join, fix the live stream's start, then read: a message published in between may arrive twice (clients keep by id), never not at all.
      await socket.join(groupRoom(groupId));
      await this.stream(groupId);
      try {
        return { ok: true, history: await this.chat.joinHistory(user, groupId, after) };
      } catch (error) {
        await socket.leave(groupRoom(groupId));
        throw error;
      }
    });
  }

  @SubscribeMessage('chat:leave')
  leave(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown): Promise<SocketAck<'chat:leave'>> {
    return this.handle('chat:leave', socket, parseGroup(payload), { fresh: false }, async (_user, { groupId }) => {
      await socket.leave(groupRoom(groupId));
      return { ok: true };
    });
  }

  @SubscribeMessage('chat:send')
  send(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown): Promise<SocketAck<'chat:send'>> {
    return this.handle('chat:send', socket, parseSend(payload), { fresh: true }, async (user, input) => ({ ok: true, ...(await this.chat.send(user, input)) }));
  }

  @SubscribeMessage('chat:typing')
  typing(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown): Promise<SocketAck<'chat:typing'>> {
    return this.handle('chat:typing', socket, parseGroup(payload), { fresh: false }, async (user, { groupId }) => {
      // The room is joined only after authorisation and left when standing changes (membership.changed).
      if (!socket.rooms.has(groupRoom(groupId))) throw new DomainError('NOT_A_MEMBER', 'Join the group chat before typing in it.');
      const typedAt = socket.data.typedAt as Map<string, number>;
      const now = Date.now();
      if (now - (typedAt.get(groupId) ?? 0) >= TYPING_INTERVAL_MS) {
        typedAt.set(groupId, now);
        socket.to(groupRoom(groupId)).emit('chat:typing', { groupId, user: { id: user.id, displayName: user.displayName } });
      }
      return { ok: true };
    });
  }

  /** The room's delivery position on this instance, starting from now the first time anyone here joins. */
  private async stream(groupId: string): Promise<RoomStream> {
    let stream = this.streams.get(groupId);
    if (!stream) {
      const position = await this.chat.livePosition(groupId);
      stream = this.streams.get(groupId) ?? { position, running: false, again: false };
      this.streams.set(groupId, stream);
    }
    return stream;
  }

  /** Sends the room everything published since the last delivery, in order; nudges during a run make it go round again. */
  private async deliver(groupId: string): Promise<void> {
    const stream = this.streams.get(groupId);
    if (!stream) return; // Nobody here has joined this room.
    if (!this.server.sockets.adapter.rooms.get(groupRoom(groupId))?.size) {
      // The room is empty here: the next join starts the stream afresh from that moment.
      if (!stream.running) this.streams.delete(groupId);
      return;
    }
    if (stream.running) {
      stream.again = true;
      return;
    }
    stream.running = true;
    try {
      do {
        stream.again = false;
        const { messages, position } = await this.chat.publishedSince(groupId, stream.position, DELIVERY_BATCH);
        for (const message of messages) this.server.local.to(groupRoom(groupId)).emit('chat:message', message);
        stream.position = position;
        if (messages.length === DELIVERY_BATCH) stream.again = true;
      } while (stream.again);
    } catch (error) {
      this.logger.warn({ groupId, err: (error as Error).message }, 'chat delivery paused until the next message');
    } finally {
      stream.running = false;
    }
  }

  /** Validates, re-establishes who is asking, runs the action, and turns failures into error acks. */
  private async handle<E extends ClientEventName, T>(
    _event: E,
    socket: ChatSocket,
    parsed: Parsed<T>,
    options: { fresh: boolean },
    action: (user: AuthUser, input: T) => Promise<SocketAck<E>>,
  ): Promise<SocketAck<E>> {
    if (!parsed.ok) return fail('VALIDATION_FAILED', parsed.message);
    try {
      const user = await this.currentUser(socket, options.fresh);
      if (!user) {
        // The session ended (logout, ban, erasure, expiry) and this instance has not closed the socket yet.
        setImmediate(() => socket.disconnect(true));
        return fail('UNAUTHENTICATED', 'Your session has ended. Please sign in again.');
      }
      return await action(user, parsed.value);
    } catch (error) {
      if (error instanceof DomainError) {
        this.logger.debug({ code: error.code, userId: (socket.data.user as AuthUser | undefined)?.id }, 'socket event refused');
        return fail(error.code, error.detail, error.extra);
      }
      // The same reading as HTTP's: a database or Redis that cannot serve right now (pool exhausted,
      // connection lost, too many clients) is SERVICE_UNAVAILABLE, worth retrying; anything else is INTERNAL.
      const answer = toDomainError(error);
      this.logger.error({ err: (error as Error).message, code: answer.code }, 'socket event failed');
      return answer.code === 'SERVICE_UNAVAILABLE'
        ? fail(answer.code, 'Kindred is very busy right now and did not take that. Please try again in a few seconds.', { retryAfterSeconds: 5 })
        : fail('INTERNAL', 'Something went wrong on our side. Please try again.');
    }
  }

  private async currentUser(socket: ChatSocket, fresh: boolean): Promise<AuthUser | null> {
    const cached = socket.data.user as AuthUser;
    if (!fresh && Date.now() - (socket.data.sessionCheckedAt as number) < SESSION_RECHECK_MS) return cached;
    const user = await this.identity.authenticate(handshakeToken(socket));
    if (!user || user.sessionId !== cached.sessionId) return null;
    socket.data.user = user;
    socket.data.sessionCheckedAt = Date.now();
    return user;
  }

  /** After a change of standing: leave what the user may no longer see, and follow a new supporter role. */
  private async recheck(userId: string, groupId: string): Promise<void> {
    const sockets = await this.server.local.in(userRoom(userId)).fetchSockets();
    if (sockets.length === 0) return;
    const user = sockets[0]!.data.user as AuthUser;
    const standing = await this.chat.standing(user, groupId);
    for (const socket of sockets) {
      if (!standing.participant) void socket.leave(groupRoom(groupId));
      if (standing.moderator && !user.isAdmin) void socket.join(moderatorsRoom(groupId));
      else void socket.leave(moderatorsRoom(groupId));
    }
  }
}

function fail(code: string, message: string, extra: Record<string, unknown> = {}): ErrorAck {
  return { ok: false, error: { code, message, ...extra } };
}

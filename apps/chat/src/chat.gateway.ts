import { Inject, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import {
  ChatPosition,
  ChatPresence,
  ChatService,
  ClientEventName,
  ClientToServerEvents,
  ErrorAck,
  PRESENCE_RENEW_MS,
  ServerPayload,
  ServerToClientEvents,
  SocketAck,
} from '@kindred/chat';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { EventBus } from '@kindred/events';
import { mutedError } from '@kindred/groups';
import { DomainError, toDomainError } from '@kindred/http';
import { AuthUser, IdentityService, SecondFactorService } from '@kindred/identity';
import { parseGroup, parseJoin, parseSend, Parsed } from './chat-payloads';
import { handshakeToken } from './kindred-io.adapter';

export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
export const groupRoom = (groupId: string) => `group:${groupId}`;
/** Sockets following a group's forum (topic lists, open threads): members and staff, checked on joining and on every change of standing. */
export const forumRoom = (groupId: string) => `forum:${groupId}`;
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
/** A session timer fires this long after the session's end, so the database agrees it has ended. */
const SESSION_TIMER_MARGIN_MS = 50;
/** Session timers are re-armed at least this often (a lifetime can be weeks; setTimeout holds about 24 days at most). */
const SESSION_TIMER_MAX_MS = 3_600_000;
/** When the database cannot be asked about a session, it is asked again after this. */
const SESSION_TIMER_RETRY_MS = 5_000;

/** Why a socket left a group's room (`chat:access-ended`). */
export type AccessEndedReason = 'session-expired' | 'session-ended' | 'membership-ended' | 'banned' | 'agreement-required';
/** Why a socket's session ended (`auth:session-ended`, followed by a disconnect). */
export type SessionEndedReason = 'session-expired' | 'session-ended' | 'account-erased';

/** What a socket keeps about itself between events. */
interface SocketState {
  sessionTimer?: NodeJS.Timeout;
  /** Groups where the user is muted, until when: typing is refused from this without a query. */
  mutedIn: Map<string, number>;
  /** Groups whose room this socket is counted present in (the "online now" list). */
  presentIn: Set<string>;
}

/** Comings and goings within this long reach a room as one "online now" list. */
const PRESENCE_SETTLE_MS = 150;

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
export class ChatGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ChatGateway.name);
  @WebSocketServer() server: Server<ClientToServerEvents, ServerToClientEvents>;
  private readonly streams = new Map<string, RoomStream>();
  private sweep?: NodeJS.Timeout;
  private presenceRenewal?: NodeJS.Timeout;
  /** Rooms about to be sent their "online now" list. */
  private readonly presenceDue = new Map<string, NodeJS.Timeout>();
  /** Per room, the list being read and sent now. */
  private readonly presenceSends = new Map<string, Promise<void>>();

  constructor(
    private readonly events: EventBus,
    private readonly identity: IdentityService,
    private readonly secondFactors: SecondFactorService,
    private readonly chat: ChatService,
    private readonly presence: ChatPresence,
    @Inject(APP_CONFIG) private readonly config: KindredConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    // Every instance hears the event and closes its own sockets for those sessions.
    await this.events.subscribe('session.revoked', ({ userId, sessionIds, reason }) => {
      const rooms = sessionIds?.length ? sessionIds.map(sessionRoom) : [userRoom(userId)];
      for (const socket of this.localSockets(rooms)) this.endSession(socket, reason === 'erased' ? 'account-erased' : 'session-ended');
    });
    await this.events.subscribe('membership.changed', ({ userId, groupId }) => this.recheck(userId, groupId));
    await this.events.subscribe('presence.changed', ({ groupId }) => this.presenceChanged(groupId));
    // Turning "show me as online" on or off: the rooms the person is in hear the new list (it is filtered when read).
    await this.events.subscribe('profile.changed', async ({ userId }) => {
      const groups = new Set(this.localSockets([userRoom(userId)]).flatMap((socket) => [...(socket.data.state as SocketState).presentIn]));
      for (const groupId of groups) await this.announcePresence(groupId);
    });
    this.presenceRenewal = setInterval(() => void this.renewPresence(), PRESENCE_RENEW_MS);
    this.presenceRenewal.unref();
    await this.events.subscribe('agreement.published', ({ groupId }) => this.recheckRoom(groupId));
    await this.events.subscribe('second-factor.changed', ({ userId }) =>
      this.secondFactorChanged(userId).catch((error: Error) => this.logger.warn({ userId, err: error.message }, 'review alert rooms not updated')),
    );
    await this.events.subscribe('message.screened', (event) => {
      // Any verdict can let the author's later messages out (they wait for their earlier ones): read the room either way.
      void this.deliver(event.groupId);
      if (event.status === 'held') {
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
    await this.events.subscribe('forum.changed', ({ groupId, topicId, postId, authorId, opening, status }) => {
      // Ids only: each reader fetches the post over HTTP, where what they may see is checked again.
      const change = { groupId, topicId, postId, opening };
      if (status === 'published') this.server.local.to(forumRoom(groupId)).emit('forum:post', change);
      else if (status === 'removed') this.server.local.to(forumRoom(groupId)).emit('forum:post-removed', change);
      // Held and refused posts are the author's alone to hear about.
      if (authorId) this.server.local.to(userRoom(authorId)).emit('forum:mine', { ...change, status });
    });
    await this.events.subscribe('message.removed', ({ id, groupId }) => {
      this.server.local.to(groupRoom(groupId)).emit('chat:removed', { id, groupId });
    });
    await this.events.subscribe('notice.created', ({ userId, notice }) => {
      // The event bus carries the NoticeView that NoticesService made; the catalogue's schema is checked against that type.
      this.server.local.to(userRoom(userId)).emit('notice', notice as ServerPayload<'notice'>);
    });
    await this.events.subscribe('notification.created', ({ userId, notification }) => {
      // The bus carries NotificationDelivery's NotificationView; the catalogue's schema is checked against that type.
      this.server.local.to(userRoom(userId)).emit('notification', notification as ServerPayload<'notification'>);
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
    clearInterval(this.presenceRenewal);
    for (const timer of this.presenceDue.values()) clearTimeout(timer);
  }

  async handleConnection(socket: ChatSocket): Promise<void> {
    const user = socket.data.user as AuthUser;
    socket.data.sessionCheckedAt = Date.now();
    socket.data.typedAt = new Map<string, number>();
    socket.data.state = { mutedIn: new Map(), presentIn: new Set() } satisfies SocketState;
    const rooms = [userRoom(user.id), sessionRoom(user.sessionId)];
    try {
      rooms.push(...(await this.staffRooms(user)));
    } catch (error) {
      this.logger.warn({ userId: user.id, err: error }, 'review alerts not joined for this socket');
    }
    await socket.join(rooms);
    // Only now that the socket is in its session's rooms: a session ended before this is seen by the
    // timer's first look at the database, and one ended after it by the revocation event.
    void this.watchSession(socket);
    this.logger.debug({ userId: user.id }, 'socket connected');
  }

  handleDisconnect(socket: ChatSocket): void {
    const state = socket.data.state as SocketState | undefined;
    clearTimeout(state?.sessionTimer);
    for (const groupId of state?.presentIn ?? []) void this.leavePresence(socket, groupId);
  }

  @SubscribeMessage('chat:join')
  join(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown): Promise<SocketAck<'chat:join'>> {
    return this.handle('chat:join', socket, parseJoin(payload), { fresh: true }, async (user, { groupId, after }) => {
      const participant = await this.chat.authorise(user, groupId);
      // Join, fix the live stream's start, then read: a message published in between may arrive twice (clients keep by id), never not at all.
      await socket.join(groupRoom(groupId));
      await this.stream(groupId);
      try {
        const history = await this.chat.joinHistory(user, groupId, after);
        if (participant.mutedUntil && participant.mutedUntil.getTime() > Date.now()) this.tellMuted(socket, groupId, participant.mutedUntil);
        await this.enterPresence(socket, groupId);
        return { ok: true, history };
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
      await this.leavePresence(socket, groupId);
      return { ok: true };
    });
  }

  @SubscribeMessage('chat:send')
  send(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown): Promise<SocketAck<'chat:send'>> {
    return this.handle('chat:send', socket, parseSend(payload), { fresh: true }, async (user, input) => ({ ok: true, ...(await this.chat.send(user, input)) }));
  }

  @SubscribeMessage('forum:join')
  forumJoin(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown): Promise<SocketAck<'forum:join'>> {
    return this.handle('forum:join', socket, parseGroup(payload), { fresh: true }, async (user, { groupId }) => {
      // The same check as the chat room: a member who has accepted the current agreement, not banned (a muted member still reads).
      await this.chat.authorise(user, groupId);
      await socket.join(forumRoom(groupId));
      return { ok: true };
    });
  }

  @SubscribeMessage('forum:leave')
  forumLeave(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown): Promise<SocketAck<'forum:leave'>> {
    return this.handle('forum:leave', socket, parseGroup(payload), { fresh: false }, async (_user, { groupId }) => {
      await socket.leave(forumRoom(groupId));
      return { ok: true };
    });
  }

  @SubscribeMessage('chat:typing')
  typing(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown): Promise<SocketAck<'chat:typing'>> {
    return this.handle('chat:typing', socket, parseGroup(payload), { fresh: false }, async (user, { groupId }) => {
      // The room is joined only after authorisation and left when standing changes (membership.changed).
      if (!socket.rooms.has(groupRoom(groupId))) throw new DomainError('NOT_A_MEMBER', 'Join the group chat before typing in it.');
      // A muted member's typing reaches nobody: refused from what this socket knows, and checked afresh before anything is shown.
      const { mutedIn } = socket.data.state as SocketState;
      const now = Date.now();
      const mutedUntil = mutedIn.get(groupId);
      if (mutedUntil !== undefined && mutedUntil > now) throw mutedError(new Date(mutedUntil));
      const typedAt = socket.data.typedAt as Map<string, number>;
      if (now - (typedAt.get(groupId) ?? 0) >= TYPING_INTERVAL_MS) {
        const participant = await this.chat.authorise(user, groupId);
        if (participant.mutedUntil && participant.mutedUntil.getTime() > Date.now()) {
          mutedIn.set(groupId, participant.mutedUntil.getTime());
          throw mutedError(participant.mutedUntil);
        }
        typedAt.set(groupId, now);
        socket.to(groupRoom(groupId)).emit('chat:typing', { groupId, user: { id: user.id, displayName: user.displayName } });
      }
      return { ok: true };
    });
  }

  /** The socket counts as present in the group's room, and every instance sends the room the new list. */
  private async enterPresence(socket: ChatSocket, groupId: string): Promise<void> {
    const state = socket.data.state as SocketState;
    try {
      await this.presence.enter(groupId, (socket.data.user as AuthUser).id, socket.id);
      state.presentIn.add(groupId);
      // Closed or put out of the room while this was written: take it back out.
      if (socket.disconnected || !socket.rooms.has(groupRoom(groupId))) return await this.leavePresence(socket, groupId);
      await this.announcePresence(groupId);
    } catch (error) {
      // Presence is a courtesy: the member still chats when Redis cannot count them.
      this.logger.warn({ groupId, err: error }, 'presence not recorded');
    }
  }

  /** The socket no longer counts in the group's room (it left, lost access or closed). */
  private async leavePresence(socket: ChatSocket, groupId: string): Promise<void> {
    const state = socket.data.state as SocketState | undefined;
    if (!state?.presentIn.delete(groupId)) return;
    try {
      await this.presence.leave(groupId, (socket.data.user as AuthUser).id, socket.id);
      await this.announcePresence(groupId);
    } catch (error) {
      this.logger.warn({ groupId, err: error }, 'presence not cleared; it runs out by itself');
    }
  }

  private async announcePresence(groupId: string): Promise<void> {
    await this.events.publish('presence.changed', { groupId });
  }

  /** Sends this instance's sockets in the room the list as it is now, once comings and goings settle. */
  private presenceChanged(groupId: string): void {
    if (this.presenceDue.has(groupId) || !this.server.sockets.adapter.rooms.get(groupRoom(groupId))?.size) return;
    const timer = setTimeout(() => {
      this.presenceDue.delete(groupId);
      // One read at a time per room, each after the last was sent: a list never overtakes a newer one.
      const send = (this.presenceSends.get(groupId) ?? Promise.resolve()).then(async () => {
        const online = await this.presence.onlineOrNobody(groupId);
        this.server.local.to(groupRoom(groupId)).emit('chat:presence', { groupId, online });
      });
      this.presenceSends.set(groupId, send);
      void send.finally(() => {
        if (this.presenceSends.get(groupId) === send) this.presenceSends.delete(groupId);
      });
    }, PRESENCE_SETTLE_MS);
    timer.unref();
    this.presenceDue.set(groupId, timer);
  }

  /** Renews this instance's sockets in the presence lists; rooms where someone's entry ran out (an instance stopped) hear the new list. */
  private async renewPresence(): Promise<void> {
    const present = [...this.server.sockets.sockets.values()].flatMap((socket) => {
      const state = socket.data.state as SocketState | undefined;
      const user = socket.data.user as AuthUser | undefined;
      return state && user ? [...state.presentIn].map((groupId) => ({ groupId, userId: user.id, socketId: socket.id })) : [];
    });
    try {
      for (const groupId of await this.presence.renew(present)) await this.announcePresence(groupId);
    } catch (error) {
      this.logger.warn({ err: error }, 'presence not renewed');
    }
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
      this.logger.warn({ groupId, err: error }, 'chat delivery paused until the next message');
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
        setImmediate(() => this.endSession(socket, 'session-ended'));
        return fail('UNAUTHENTICATED', 'Your session has ended. Please sign in again.');
      }
      return await action(user, parsed.value);
    } catch (error) {
      if (error instanceof DomainError) {
        this.logger.debug({ code: error.code, userId: (socket.data.user as AuthUser | undefined)?.id }, 'socket event refused');
        this.leaveIfOut(socket, (parsed.value as { groupId?: string }).groupId, error);
        return fail(error.code, error.detail, error.extra);
      }
      // The same reading as HTTP's: a database or Redis that cannot serve right now (pool exhausted,
      // connection lost, too many clients) is SERVICE_UNAVAILABLE, worth retrying; anything else is INTERNAL.
      const answer = toDomainError(error);
      this.logger.error({ err: error, code: answer.code }, 'socket event failed');
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

  /**
   * After a change of standing: leave what the user may no longer see (saying why), tell them of a
   * mute, and follow a new supporter role. Each of the user's sockets on this instance, within a second.
   */
  private async recheck(userId: string, groupId: string): Promise<void> {
    const sockets = this.localSockets([userRoom(userId)]);
    if (sockets.length === 0) return;
    const user = sockets[0]!.data.user as AuthUser;
    const standing = await this.chat.standing(user, groupId);
    // Review alerts wait for a second factor (staffRooms).
    const alerted = standing.moderator && !user.isAdmin && (await this.secondFactors.hasSecondFactor(user.id));
    for (const socket of sockets) {
      const state = socket.data.state as SocketState;
      if (!standing.participant) {
        state.mutedIn.delete(groupId);
        // The forum channel goes with the chat room: nothing more of the group reaches this socket.
        void socket.leave(forumRoom(groupId));
        if (socket.rooms.has(groupRoom(groupId))) {
          void socket.leave(groupRoom(groupId));
          socket.emit('chat:access-ended', { groupId, reason: accessEndedReason(standing.refusal?.code), ...versionOf(standing.refusal) });
        }
        void this.leavePresence(socket, groupId);
      } else if (standing.mutedUntil) {
        if (state.mutedIn.get(groupId) !== standing.mutedUntil.getTime()) this.tellMuted(socket, groupId, standing.mutedUntil);
      } else if (state.mutedIn.delete(groupId)) {
        socket.emit('chat:unmuted', { groupId });
      }
      if (alerted) void socket.join(moderatorsRoom(groupId));
      else void socket.leave(moderatorsRoom(groupId));
    }
  }

  /** Review alerts (`review:*`) reach admins and supporters only once they have a confirmed second factor. */
  private async staffRooms(user: AuthUser): Promise<string[]> {
    if (!(await this.secondFactors.hasSecondFactor(user.id))) return [];
    return [...(user.isAdmin ? [ADMINS_ROOM] : []), ...(await this.chat.supportedGroupIds(user)).map(moderatorsRoom)];
  }

  /** A second factor confirmed or turned off: the person's open sockets here join or leave the review alert rooms. */
  private async secondFactorChanged(userId: string): Promise<void> {
    const sockets = this.localSockets([userRoom(userId)]);
    if (sockets.length === 0) return;
    const rooms = await this.staffRooms(sockets[0]!.data.user as AuthUser);
    for (const socket of sockets) {
      for (const room of socket.rooms) if ((room === ADMINS_ROOM || room.startsWith('moderators:')) && !rooms.includes(room)) void socket.leave(room);
      if (rooms.length > 0) void socket.join(rooms);
    }
  }

  /** A new agreement: everyone in the room here is looked at again, and those who have not accepted it leave. */
  private async recheckRoom(groupId: string): Promise<void> {
    const userIds = new Set(this.localSockets([groupRoom(groupId), forumRoom(groupId)]).map((socket) => (socket.data.user as AuthUser).id));
    for (const userId of userIds) {
      try {
        await this.recheck(userId, groupId);
      } catch (error) {
        this.logger.warn({ groupId, err: error }, 'standing not rechecked after a new agreement');
      }
    }
  }

  /** An event refused for standing while the socket was still in the room (the change's event was lost): it leaves now, told why. */
  private leaveIfOut(socket: ChatSocket, groupId: string | undefined, error: DomainError): void {
    if (!groupId || !OUT_OF_GROUP.has(error.code)) return;
    void socket.leave(forumRoom(groupId));
    void this.leavePresence(socket, groupId);
    if (!socket.rooms.has(groupRoom(groupId))) return;
    void socket.leave(groupRoom(groupId));
    socket.emit('chat:access-ended', { groupId, reason: accessEndedReason(error.code), ...versionOf(error.extra as { version?: number }) });
  }

  private tellMuted(socket: ChatSocket, groupId: string, until: Date): void {
    (socket.data.state as SocketState).mutedIn.set(groupId, until.getTime());
    socket.emit('chat:muted', { groupId, until: until.toISOString() });
  }

  /**
   * A timer per socket at its session's end (idle or absolute, whichever comes first). When it fires
   * the database is asked again: use elsewhere may have moved the end on, and then the timer follows.
   */
  private async watchSession(socket: ChatSocket): Promise<void> {
    const state = socket.data.state as SocketState;
    clearTimeout(state.sessionTimer);
    if (socket.disconnected) return;
    let delay: number;
    try {
      const endsAt = await this.identity.sessionEndsAt((socket.data.user as AuthUser).sessionId);
      if (!endsAt) return this.endSession(socket, 'session-ended');
      delay = endsAt.getTime() - Date.now();
      if (delay <= 0) return this.endSession(socket, 'session-expired');
      delay = Math.min(delay + SESSION_TIMER_MARGIN_MS, SESSION_TIMER_MAX_MS);
    } catch (error) {
      this.logger.warn({ err: error }, 'session end not known yet; asking again shortly');
      delay = SESSION_TIMER_RETRY_MS;
    }
    if (socket.disconnected) return;
    state.sessionTimer = setTimeout(() => void this.watchSession(socket), delay);
    state.sessionTimer.unref();
  }

  /** The socket's last word: why its session ended; then it closes (every room with it). */
  private endSession(socket: ChatSocket, reason: SessionEndedReason): void {
    clearTimeout((socket.data.state as SocketState | undefined)?.sessionTimer);
    if (socket.disconnected) return;
    socket.emit('auth:session-ended', { reason });
    socket.disconnect(true);
  }

  /** This instance's sockets in any of the rooms. */
  private localSockets(rooms: string[]): Socket[] {
    const ids = new Set<string>();
    for (const room of rooms) for (const id of this.server.sockets.adapter.rooms.get(room) ?? []) ids.add(id);
    return [...ids].flatMap((id) => {
      const socket = this.server.sockets.sockets.get(id);
      return socket ? [socket] : [];
    });
  }
}

/** Refusals that mean the person may no longer be in a group's room. */
const OUT_OF_GROUP = new Set(['NOT_A_MEMBER', 'BANNED', 'AGREEMENT_REQUIRED', 'NOT_FOUND']);

function accessEndedReason(code: string | undefined): AccessEndedReason {
  if (code === 'BANNED') return 'banned';
  if (code === 'AGREEMENT_REQUIRED') return 'agreement-required';
  return 'membership-ended';
}

function versionOf(refusal: { version?: number } | undefined): { version?: number } {
  return refusal?.version === undefined ? {} : { version: refusal.version };
}

function fail(code: string, message: string, extra: Record<string, unknown> = {}): ErrorAck {
  return { ok: false, error: { code, message, ...extra } };
}

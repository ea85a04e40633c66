import { Logger, OnModuleInit } from '@nestjs/common';
import { OnGatewayConnection, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { EventBus } from '@kindred/events';
import type { AuthUser } from '@kindred/identity';

export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

@WebSocketGateway()
export class ChatGateway implements OnGatewayConnection, OnModuleInit {
  private readonly logger = new Logger(ChatGateway.name);
  @WebSocketServer() server: Server;

  constructor(private readonly events: EventBus) {}

  async onModuleInit(): Promise<void> {
    // Every instance hears the event and closes its own sockets for those sessions.
    await this.events.subscribe('session.revoked', ({ userId, sessionIds }) => {
      const rooms = sessionIds?.length ? sessionIds.map(sessionRoom) : [userRoom(userId)];
      this.server.local.in(rooms).disconnectSockets(true);
    });
  }

  async handleConnection(socket: Socket): Promise<void> {
    const user = socket.data.user as AuthUser;
    await socket.join([userRoom(user.id), sessionRoom(user.sessionId)]);
    this.logger.debug({ userId: user.id }, 'socket connected');
  }
}

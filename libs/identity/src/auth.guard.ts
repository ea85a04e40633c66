import { CanActivate, createParamDecorator, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, PUBLIC_ROUTE } from '@kindred/http';
import { AuthUser } from './auth-user';
import { IdentityService } from './identity.service';

interface RequestWithUser {
  headers: Record<string, string | string[] | undefined>;
  user?: AuthUser;
  method?: string;
  url?: string;
  ip?: string;
}

export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1];
}

/** Checks the session on every request; routes are signed-in only unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly identity: IdentityService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithUser>();
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()]);
    const token = bearerToken(request.headers.authorization);
    const user = await this.identity.authenticateCached(token);
    if (user) {
      request.user = user;
      return true;
    }
    if (isPublic) return true;
    this.logger.warn({ event: 'unauthenticated', method: request.method, path: request.url?.split('?')[0], hadToken: Boolean(token) }, 'request refused');
    throw new DomainError('UNAUTHENTICATED', token ? 'Your session has ended. Please sign in again.' : 'Please sign in to do that.');
  }
}

/** The signed-in caller. On @Public() routes it may be undefined. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthUser | undefined => {
  return context.switchToHttp().getRequest<RequestWithUser>().user;
});

import { CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { DomainError, PUBLIC_ROUTE } from '@kindred/http';
import { AuthUser } from './auth-user';
import { IdentityService } from './identity.service';
import { clearedSessionCookies, cookieToken, CSRF_HEADER, csrfMatches, isUnsafeMethod, secureCookies } from './session-cookie';

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
    @Inject(APP_CONFIG) private readonly config: KindredConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithUser>();
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()]);
    // A Bearer header decides alone (API clients); without one, the web app's session cookie (see session-cookie.ts).
    const bearer = bearerToken(request.headers.authorization);
    const fromCookie = bearer ? undefined : cookieToken(request.headers.cookie);
    const token = bearer ?? fromCookie;
    const user = await this.identity.authenticateCached(token);
    if (user && fromCookie && isUnsafeMethod(request.method) && !csrfMatches(fromCookie, request.headers[CSRF_HEADER], request.headers.cookie)) {
      // The browser sends the cookie whatever page asks: without the page's CSRF token the request may be forged elsewhere.
      this.logger.warn({ event: 'csrf-refused', userId: user.id, method: request.method, path: request.url?.split('?')[0] }, 'request refused');
      throw DomainError.forbidden('This request did not come from a Kindred page, so it was refused. Please reload the page and try again.');
    }
    if (user) {
      request.user = user;
      return true;
    }
    // A cookie whose session has ended is cleared, so the browser stops sending it.
    if (fromCookie)
      context
        .switchToHttp()
        .getResponse<{ header(name: string, value: string[]): unknown }>()
        .header('set-cookie', clearedSessionCookies(secureCookies(this.config.publicUrl)));
    if (isPublic) return true;
    this.logger.warn({ event: 'unauthenticated', method: request.method, path: request.url?.split('?')[0], hadToken: Boolean(token) }, 'request refused');
    throw new DomainError('UNAUTHENTICATED', token ? 'Your session has ended. Please sign in again.' : 'Please sign in to do that.');
  }
}

/** The signed-in caller. On @Public() routes it may be undefined. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthUser | undefined => {
  return context.switchToHttp().getRequest<RequestWithUser>().user;
});

import { CanActivate, ExecutionContext, Injectable, applyDecorators } from '@nestjs/common';
import { DomainError } from '@kindred/http';
import type { AuthUser } from '@kindred/identity';
import { ApiProblems } from '../openapi';
import { StaffGuarded } from '../identity/staff-endpoint.guard';

/**
 * Refuses non-admins before the body is even read, so they get the same 403 whatever they send.
 * The services check again: this only makes the answer consistent at the edge.
 */
@Injectable()
class AdminOnlyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const user = context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
    if (!user) throw new DomainError('UNAUTHENTICATED', 'Please sign in to do that.');
    if (!user.isAdmin) throw DomainError.forbidden('Only admins can do that.');
    return true;
  }
}

/** Admins only, and only with a confirmed second factor (403 MFA_REQUIRED until they enrol). */
export const AdminOnly = () => applyDecorators(StaffGuarded(AdminOnlyGuard), ApiProblems('FORBIDDEN', 'MFA_REQUIRED'));

import { applyDecorators, CanActivate, ExecutionContext, Injectable, Logger, UseGuards } from '@nestjs/common';
import { MembershipService } from '@kindred/groups';
import { DomainError } from '@kindred/http';
import { AuthUser, SecondFactorService } from '@kindred/identity';
import { CommissionersService } from '@kindred/outcomes';
import { ApiProblems } from '../openapi';

export const MFA_REQUIRED_DETAIL =
  'Moderation and admin work needs two-step sign-in, because staff accounts can see what members have shared. Set it up on your account page, then try again.';

/**
 * Platform admins, supporters and commissioners (who read aggregates of members' health) reach moderation and admin endpoints only with a confirmed second
 * factor (403 MFA_REQUIRED until they enrol). Everyone else passes through to the endpoint's own
 * answer (403 or 404), so this says nothing new to a member who is not staff.
 */
@Injectable()
class StaffSecondFactorGuard implements CanActivate {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly secondFactors: SecondFactorService,
    private readonly memberships: MembershipService,
    private readonly commissioners: CommissionersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ user?: AuthUser; method?: string; url?: string }>();
    const user = request.user;
    if (!user) throw new DomainError('UNAUTHENTICATED', 'Please sign in to do that.');
    if (await this.secondFactors.hasSecondFactor(user.id)) return true;
    const staff =
      user.isAdmin || (await this.memberships.membershipsOf(user.id)).some((m) => m.role === 'supporter') || (await this.commissioners.isCommissioner(user.id));
    if (!staff) return true;
    this.logger.warn({ event: 'mfa-required', userId: user.id, method: request.method, path: request.url?.split('?')[0] }, 'request refused');
    throw new DomainError('MFA_REQUIRED', MFA_REQUIRED_DETAIL);
  }
}

/** A moderation or admin endpoint: staff need a confirmed second factor (see StaffSecondFactorGuard). */
export const StaffEndpoint = () => applyDecorators(UseGuards(StaffSecondFactorGuard), ApiProblems('FORBIDDEN', 'MFA_REQUIRED'));

/** Guards in the order given: the admin check first, so a member who is not an admin hears FORBIDDEN as before. */
export const StaffGuarded = (...guards: Parameters<typeof UseGuards>) => applyDecorators(UseGuards(...guards, StaffSecondFactorGuard));

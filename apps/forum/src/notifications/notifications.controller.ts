import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '@kindred/identity';
import { DomainError, idParam, PageQuery, Public } from '@kindred/http';
import { NotificationsService } from '@kindred/notifications';
import { ApiProblems, JSON_BODY_PROBLEMS } from '../openapi';
import { MarkReadDto, NotificationPreferencesDto, PushSubscriptionDto, UnsubscribeQuery } from './notifications.dto';
import { CreatedIdView, KindPreferenceView, NotificationPageView, NotificationPreferencesView, UnsubscribedView, VapidKeyView } from './notifications.views';

const subscriptionId = idParam('That push subscription');

@ApiTags('notifications')
@ApiExtraModels(KindPreferenceView)
@Controller()
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @ApiBearerAuth()
  @ApiOperation({ summary: 'Your notifications', description: 'Newest first, with how many are unread.' })
  @ApiOkResponse({ type: NotificationPageView })
  @ApiProblems(401, 422)
  @Get('me/notifications')
  list(@CurrentUser() user: AuthUser, @Query() query: PageQuery) {
    return this.notifications.listFor(user.id, query);
  }

  @ApiBearerAuth()
  @ApiOperation({ summary: 'Mark notifications read', description: '`{ ids: [...] }` or `{ all: true }`; ids of someone else’s notifications are ignored.' })
  @ApiNoContentResponse({ description: 'Marked.' })
  @ApiProblems(401, ...JSON_BODY_PROBLEMS)
  @Post('me/notifications/read')
  @HttpCode(204)
  async markRead(@CurrentUser() user: AuthUser, @Body() body: MarkReadDto): Promise<void> {
    if (!body.all && !body.ids) throw DomainError.validation([{ field: 'ids', message: 'give ids or all: true' }]);
    await this.notifications.markRead(user.id, body);
  }

  @ApiBearerAuth()
  @ApiOperation({ summary: 'Your notification settings', description: 'The defaults where you changed nothing.' })
  @ApiOkResponse({ type: NotificationPreferencesView })
  @ApiProblems(401)
  @Get('me/notification-preferences')
  preferences(@CurrentUser() user: AuthUser) {
    return this.notifications.preferencesOf(user.id);
  }

  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change your notification settings', description: 'Kinds left out keep their setting. Urgent review alerts cannot be made quiet.' })
  @ApiOkResponse({ type: NotificationPreferencesView })
  @ApiProblems(401, ...JSON_BODY_PROBLEMS)
  @Put('me/notification-preferences')
  savePreferences(@CurrentUser() user: AuthUser, @Body() body: NotificationPreferencesDto) {
    return this.notifications.savePreferences(user.id, body);
  }

  @Public()
  @ApiOperation({ summary: 'The web push public key', description: 'The VAPID public key browsers subscribe with.' })
  @ApiOkResponse({ type: VapidKeyView })
  @Get('push/vapid-public-key')
  async vapidPublicKey() {
    return { key: await this.notifications.vapidPublicKey() };
  }

  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Receive push on this device',
    description: 'A browser `PushSubscription` as JSON. Registering the same endpoint again updates it.',
  })
  @ApiCreatedResponse({ type: CreatedIdView })
  @ApiProblems(401, ...JSON_BODY_PROBLEMS)
  @Post('me/push-subscriptions')
  subscribe(@CurrentUser() user: AuthUser, @Body() body: PushSubscriptionDto) {
    return this.notifications.subscribe(user.id, body);
  }

  @ApiBearerAuth()
  @ApiOperation({ summary: 'Stop push on a device' })
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiProblems(401, 404)
  @Delete('me/push-subscriptions/:id')
  @HttpCode(204)
  async unsubscribeDevice(@CurrentUser() user: AuthUser, @Param('id', subscriptionId) id: string): Promise<void> {
    await this.notifications.unsubscribeDevice(user.id, id);
  }

  @Public()
  @ApiOperation({
    summary: 'One-click unsubscribe from a mail',
    description:
      'The token of a mail’s `List-Unsubscribe` link (RFC 8058: mail clients POST `List-Unsubscribe=One-Click` as a form). No session needed. ' +
      'Turns off mail of that kind (every kind, from a digest); following the link again changes nothing more.',
  })
  @ApiOkResponse({ type: UnsubscribedView })
  @ApiProblems(404, 422)
  @Post('unsubscribe')
  @HttpCode(200)
  async unsubscribe(@Query() query: UnsubscribeQuery) {
    await this.notifications.unsubscribe(query.token);
    return { status: 'unsubscribed' as const };
  }
}

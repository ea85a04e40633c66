import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { Public } from '@kindred/http';

/** What the web app is told at start, so one built bundle works on any host and ports. */
export class WebAppConfigView {
  @ApiProperty({
    description: 'Where the page reaches the chat service (socket.io): CHAT_PUBLIC_URL, by default PUBLIC_URL’s host on CHAT_PORT.',
    example: 'http://localhost:3001',
  })
  chatUrl: string;

  @ApiProperty({ description: 'The origin people open Kindred at (PUBLIC_URL).', example: 'http://localhost:3000' })
  publicUrl: string;

  @ApiProperty({ description: 'Optional parts of the web app that are switched on (FEATURES).', type: [String], example: [] })
  features: string[];
}

@ApiTags('web app')
@Controller()
export class WebAppConfigController {
  constructor(@Inject(APP_CONFIG) private readonly config: KindredConfig) {}

  @Public()
  @ApiOkResponse({ type: WebAppConfigView, description: 'The web app’s runtime config, read once when it starts.' })
  @Header('cache-control', 'no-cache')
  @Get('app-config.json')
  appConfig(): WebAppConfigView {
    return { chatUrl: this.config.chat.publicUrl, publicUrl: this.config.publicUrl, features: this.config.features };
  }
}

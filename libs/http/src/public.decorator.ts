import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'kindred:public';

/** Anyone may call this route; a valid token still identifies the caller (admins see more). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

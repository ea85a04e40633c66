import { idParam } from '@kindred/http';

export { idParam };
export const groupIdParam = idParam('That group');

import type { Resource } from './api';
// The same list is the offline page the service worker keeps (vite.config.mts writes it at build).
import CRISIS_LINES from './crisis-lines.json';

/**
 * Crisis resources bundled into the app, so "Need help now?" works even when Kindred's servers
 * cannot be reached. The group's own directory (GET /groups/:groupId/resources) is shown on top.
 */
export const BUNDLED_CRISIS_RESOURCES: Resource[] = CRISIS_LINES as Resource[];

export const telHref = (phone: string) => `tel:${phone.replace(/[^0-9+]/g, '')}`;
export const smsHref = (number: string) => `sms:${number.replace(/[^0-9+]/g, '')}`;

const digits = (value: string | undefined) => (value ?? '').replace(/[^0-9]/g, '');
const bundledNumbers = new Set(BUNDLED_CRISIS_RESOURCES.flatMap((r) => [digits(r.phone), digits(r.sms)]).filter(Boolean));

/** A group's directory usually repeats the national lines; show those once. */
export const isBundled = (r: Resource) =>
  bundledNumbers.has(digits(r.phone)) ||
  bundledNumbers.has(digits(r.sms)) ||
  BUNDLED_CRISIS_RESOURCES.some((b) => b.title.toLowerCase() === r.title.toLowerCase());

import type { Resource } from './api';

/**
 * Crisis resources bundled into the app, so "Need help now?" works even when Kindred's servers
 * cannot be reached. The group's own directory (GET /groups/:groupId/resources) is shown on top.
 */
export const BUNDLED_CRISIS_RESOURCES: Resource[] = [
  {
    kind: 'crisis',
    title: 'Emergency: 999',
    description: 'If your life or someone else’s is at risk now, call 999 or go to A&E.',
    phone: '999',
    hours: 'Any time',
  },
  {
    kind: 'crisis',
    title: 'NHS 111, option 2',
    description: 'Urgent mental health help from the NHS. Call 111 and choose option 2.',
    phone: '111',
    hours: '24 hours, every day',
  },
  {
    kind: 'crisis',
    title: 'Samaritans',
    description: 'Talk to someone about anything, in confidence. Free to call.',
    phone: '116 123',
    hours: '24 hours, every day',
  },
  { kind: 'crisis', title: 'Shout', description: 'Text SHOUT to 85258 to talk by text with a trained volunteer.', sms: '85258', hours: '24 hours, every day' },
];

export const telHref = (phone: string) => `tel:${phone.replace(/[^0-9+]/g, '')}`;
export const smsHref = (number: string) => `sms:${number.replace(/[^0-9+]/g, '')}`;

const digits = (value: string | undefined) => (value ?? '').replace(/[^0-9]/g, '');
const bundledNumbers = new Set(BUNDLED_CRISIS_RESOURCES.flatMap((r) => [digits(r.phone), digits(r.sms)]).filter(Boolean));

/** A group's directory usually repeats the national lines; show those once. */
export const isBundled = (r: Resource) =>
  bundledNumbers.has(digits(r.phone)) ||
  bundledNumbers.has(digits(r.sms)) ||
  BUNDLED_CRISIS_RESOURCES.some((b) => b.title.toLowerCase() === r.title.toLowerCase());

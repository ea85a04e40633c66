import type { ResourceKind } from './resource.entity';

export interface ResourceInput {
  kind: ResourceKind;
  title: string;
  description?: string;
  phone?: string;
  sms?: string;
  url?: string;
  hours?: string;
}

/**
 * The UK crisis lines every new group starts with (DESIGN.md, "Defaults"). Admins add the
 * condition-specific ones, such as a renal unit's out-of-hours line.
 */
export const UK_DEFAULT_RESOURCES: readonly ResourceInput[] = Object.freeze([
  {
    kind: 'crisis',
    title: '999 or A&E',
    description: 'If your life is at risk or you cannot keep yourself safe, call 999 or go to your nearest A&E now.',
    phone: '999',
    hours: '24 hours a day, every day',
  },
  {
    kind: 'crisis',
    title: 'NHS 111, mental health option',
    description: 'For urgent mental health help, call 111 and choose the mental health option.',
    phone: '111',
    url: 'https://111.nhs.uk',
    hours: '24 hours a day, every day',
  },
  {
    kind: 'crisis',
    title: 'Samaritans',
    description: 'Talk to someone about anything that is troubling you. Calls are free.',
    phone: '116 123',
    url: 'https://www.samaritans.org',
    hours: '24 hours a day, every day; free',
  },
  {
    kind: 'crisis',
    title: 'Shout',
    description: 'Text SHOUT to 85258 for free, confidential support by text.',
    sms: '85258',
    url: 'https://giveusashout.org',
    hours: '24 hours a day, every day',
  },
]);

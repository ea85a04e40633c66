import type { Clause } from './clauses';

/**
 * The agreement every new group starts with (DESIGN.md, "Defaults"), for the admin to edit before
 * opening the group. Screeners and moderators cite these keys, so keep them stable.
 */
export const DEFAULT_AGREEMENT: readonly Clause[] = Object.freeze([
  {
    key: 'shared-experience',
    title: 'Shared experience only',
    text: 'This group is for people who live with the condition themselves. Please do not share your account or post on behalf of someone else.',
  },
  {
    key: 'confidentiality',
    title: "What's said here stays here",
    text: 'Do not copy, screenshot or repeat outside the group anything another member shares here.',
  },
  {
    key: 'stay-unidentifiable',
    title: 'Stay unidentifiable',
    text: 'Keep yourself and others anonymous: no real names, places, phone numbers, email or home addresses, or NHS numbers.',
  },
  {
    key: 'experience-not-instructions',
    title: 'Experience, not instructions',
    text: 'Share what happened to you and what helped you, not what someone else should do. Decisions about treatment and medicines belong with each member and their own clinical team.',
  },
  {
    key: 'respect',
    title: 'Respect, and no discrimination',
    text: 'Be kind and non-judgemental. No insults, harassment or discrimination of any kind, including about how someone manages their condition.',
  },
  {
    key: 'no-graphic-detail',
    title: 'No graphic detail',
    text: 'You can talk about hard feelings here, but do not describe methods of self-harm or suicide, or other graphic detail that could harm someone reading.',
  },
  {
    key: 'no-selling-or-recruiting',
    title: 'No selling, fundraising or recruiting',
    text: 'Do not advertise, sell, fundraise or recruit members for research, services or other groups.',
  },
  {
    key: 'look-out-for-each-other',
    title: 'Look out for each other',
    text: 'If you are worried about someone, report it so a supporter can help. You do not have to handle a crisis on your own.',
  },
  {
    key: 'not-an-emergency-service',
    title: 'Not an emergency service',
    text: 'The group is not watched all the time and cannot give medical help. If your life is at risk call 999; for urgent help call NHS 111 or Samaritans free on 116 123.',
  },
  {
    key: 'fair-enforcement',
    title: 'Fair, stepped enforcement',
    text: 'Supporters remove what breaks this agreement and tell you which clause it broke. Repeated breaks lead to a warning, then a mute, then a ban. You can appeal any decision.',
  },
]);

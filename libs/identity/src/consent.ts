/**
 * The consent text shown at registration. Changing a word means a new version: records keep the
 * version each person agreed to, so what they saw can always be shown again.
 */
export const CURRENT_CONSENT = {
  version: '2026-11-01',
  text: [
    'Kindred is a private peer-support community for people living with a long-term condition.',
    'To take part you will share information about your health. The law treats this as special category data, so we need your clear permission to hold it.',
    'What we keep: your email address (only to sign you in and to answer data requests — other members never see it), your date of birth (to check a group is right for you), the display name you choose (the only name other members see), your answers when you apply to a group, and what you post and say in chat.',
    'Who sees it: members of the groups you join see your display name and what you post there. Trained volunteer supporters and administrators see your applications and anything held for review. Nobody outside a group can read it.',
    'How long: chat messages are deleted after each group’s retention period. Everything else stays until you delete your account.',
    'Your rights: you can download everything we hold about you at any time, and you can delete your account. Deleting it removes your details and the words you wrote; threads stay readable with your posts shown as removed, by “Former member”.',
    'Kindred is not an emergency service and does not give medical advice. If your life is at risk call 999. For urgent help call NHS 111, or Samaritans free on 116 123.',
    'By ticking the box you agree that Kindred may hold and use this information about your health to run the community. You can withdraw by deleting your account.',
  ].join('\n\n'),
} as const;

/**
 * Every mail Kindred sends, in plain text and HTML. A mail may be read on a lock screen or by
 * someone else in the household: it says "Kindred" and what to do, and never carries what anyone
 * wrote, a display name, a condition or a group's name. The only variable parts are links Kindred
 * made itself.
 */
export type MailMessage =
  | { template: 'verify-email'; links: { verify: string } }
  | { template: 'already-registered'; links: { signIn: string; forgotPassword: string } }
  | { template: 'password-reset'; links: { reset: string } }
  | { template: 'password-changed'; links: { forgotPassword: string } }
  | { template: 'confirm-new-email'; links: { verify: string } }
  | { template: 'email-change-requested'; links: { forgotPassword: string } }
  | { template: 'address-in-use'; links: { signIn: string; forgotPassword: string } }
  | { template: 'second-factor-on'; links: { forgotPassword: string } }
  | { template: 'second-factor-off'; links: { forgotPassword: string } }
  /** An admin's invitation to be a group's volunteer supporter: names neither the group nor its condition. */
  | { template: 'supporter-invitation'; links: { accept: string } }
  /**
   * A notification (libs/notifications). `lines[0]` is one of its fixed, discreet lines ("you have a
   * new reply"); `unsubscribe` is the one-click link (RFC 8058) that also goes in the headers.
   */
  | { template: 'notification'; lines: [string]; links: { open: string; preferences: string; unsubscribe: string } }
  /** A day's notifications in one mail: one fixed line per kind with its count ("2 new replies"). */
  | { template: 'notification-digest'; lines: string[]; links: { open: string; preferences: string; unsubscribe: string } };

export type MailTemplate = MailMessage['template'];

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  /** Headers the mail carries besides the usual ones (List-Unsubscribe for notifications). */
  headers: Record<string, string>;
}

interface Draft {
  subject: string;
  /** Paragraphs of plain words. */
  paragraphs: string[];
  /** Calls to action: what the button or link says, and where it goes. */
  actions: Array<{ label: string; href: string }>;
  /** The last word: why this mail came and what to do if it was not expected. */
  footer: string;
}

const NOT_YOU = 'If you did not ask for this, you can ignore this mail: nothing changes.';

function draft(message: MailMessage): Draft {
  switch (message.template) {
    case 'verify-email':
      return {
        subject: 'Confirm your email address for Kindred',
        paragraphs: [
          'Thank you for joining Kindred. Please confirm that this email address is yours, so you can sign in.',
          'The link works once, for 24 hours.',
        ],
        actions: [{ label: 'Confirm my email address', href: message.links.verify }],
        footer: NOT_YOU,
      };
    case 'already-registered':
      return {
        subject: 'Someone tried to create a Kindred account with your email address',
        paragraphs: [
          'Someone tried to create a Kindred account with this email address, but it already has one.',
          'If it was you, you can sign in. If you have forgotten your password, you can choose a new one.',
        ],
        actions: [
          { label: 'Sign in', href: message.links.signIn },
          { label: 'Choose a new password', href: message.links.forgotPassword },
        ],
        footer: 'If it was not you, you do not need to do anything: your account has not changed.',
      };
    case 'password-reset':
      return {
        subject: 'Reset your Kindred password',
        paragraphs: [
          'Someone asked to reset the password of the Kindred account with this email address. Use the link to choose a new one.',
          'The link works once, for 30 minutes. Choosing a new password signs you out everywhere.',
        ],
        actions: [{ label: 'Choose a new password', href: message.links.reset }],
        footer: NOT_YOU,
      };
    case 'password-changed':
      return {
        subject: 'Your Kindred password was changed',
        paragraphs: ['The password of your Kindred account was just changed.'],
        actions: [{ label: 'It was not me: choose a new password', href: message.links.forgotPassword }],
        footer: 'If it was you, you do not need to do anything.',
      };
    case 'confirm-new-email':
      return {
        subject: 'Confirm your new email address for Kindred',
        paragraphs: [
          'Someone signed in to Kindred asked to use this email address for their account. Please confirm that it is yours; the account changes to it only then.',
          'The link works once, for 24 hours.',
        ],
        actions: [{ label: 'Confirm my new email address', href: message.links.verify }],
        footer: NOT_YOU,
      };
    case 'email-change-requested':
      return {
        subject: 'A new email address was asked for on your Kindred account',
        paragraphs: [
          'Someone signed in to your Kindred account asked to change its email address. It changes only when the new address is confirmed.',
          'If it was not you, choose a new password now: that signs everyone out of your account.',
        ],
        actions: [{ label: 'Choose a new password', href: message.links.forgotPassword }],
        footer: 'If it was you, you do not need to do anything.',
      };
    case 'address-in-use':
      return {
        subject: 'Someone tried to use your email address on Kindred',
        paragraphs: [
          'Someone asked to move another Kindred account to this email address, but it already has an account of its own, so nothing was changed.',
          'If you have forgotten your password, you can choose a new one.',
        ],
        actions: [
          { label: 'Sign in', href: message.links.signIn },
          { label: 'Choose a new password', href: message.links.forgotPassword },
        ],
        footer: 'If it was not you, you do not need to do anything.',
      };
    case 'second-factor-on':
      return {
        subject: 'Two-step sign-in was turned on for your Kindred account',
        paragraphs: [
          'Two-step sign-in was just turned on for your Kindred account: signing in now also needs a code from an authenticator app, or one of the recovery codes.',
          'If it was not you, choose a new password now: that signs everyone out of your account.',
        ],
        actions: [{ label: 'Choose a new password', href: message.links.forgotPassword }],
        footer: 'If it was you, you do not need to do anything. Keep your recovery codes somewhere safe.',
      };
    case 'notification':
      return {
        subject: `Kindred: ${message.lines[0]}`,
        paragraphs: [`${capitalise(message.lines[0])}. Open Kindred to see it.`],
        actions: [
          { label: 'Open Kindred', href: message.links.open },
          { label: 'Choose what Kindred sends you', href: message.links.preferences },
        ],
        footer: `You get this mail because of your notification settings. To stop mail like it: ${message.links.unsubscribe}`,
      };
    case 'notification-digest':
      return {
        subject: 'Kindred: your daily summary',
        paragraphs: ['Since the last summary:', ...message.lines.map((line) => `• ${capitalise(line)}`), 'Open Kindred to see them.'],
        actions: [
          { label: 'Open Kindred', href: message.links.open },
          { label: 'Choose what Kindred sends you', href: message.links.preferences },
        ],
        footer: `You get this summary because of your notification settings. To stop these summaries: ${message.links.unsubscribe}`,
      };
    case 'supporter-invitation':
      return {
        subject: 'You are invited to volunteer on Kindred',
        paragraphs: [
          'The admin of a peer-support community on Kindred has invited you to be one of its volunteer supporters: the people who read what members post and help keep the community safe.',
          'To accept, create a Kindred account with this email address (or sign in if you have one), then open the link again. The link works once, for 7 days.',
        ],
        actions: [{ label: 'Accept the invitation', href: message.links.accept }],
        footer: 'If you were not expecting this, you can ignore this mail: nothing happens unless you accept.',
      };
    case 'second-factor-off':
      return {
        subject: 'Two-step sign-in was turned off for your Kindred account',
        paragraphs: [
          'Two-step sign-in was just turned off for your Kindred account: signing in now needs only the password.',
          'If it was not you, choose a new password now: that signs everyone out of your account. Then turn two-step sign-in on again.',
        ],
        actions: [{ label: 'Choose a new password', href: message.links.forgotPassword }],
        footer: 'If it was you, you do not need to do anything.',
      };
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * RFC 8058 one-click unsubscribe (and RFC 2369 List-Unsubscribe): a mail client POSTs
 * `List-Unsubscribe=One-Click` to the https link, which works without signing in.
 */
function headersOf(message: MailMessage): Record<string, string> {
  const links = message.links as Record<string, string>;
  if (!links.unsubscribe) return {};
  return { 'List-Unsubscribe': `<${links.unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The subject, plain text and HTML of one message. Throws for a template it does not know (a job from a newer version). */
export function renderMail(message: MailMessage): RenderedMail {
  const known = draft(message) as Draft | undefined;
  if (!known) throw new Error(`no mail template called ${String((message as { template: unknown }).template)}`);
  const { subject, paragraphs, actions, footer } = known;
  const text = ['Kindred', '', ...paragraphs.flatMap((p) => [p, '']), ...actions.flatMap((a) => [`${a.label}:`, a.href, '']), footer, '', '— Kindred'].join(
    '\n',
  );
  const html = [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1a1a1a; max-width: 36em;">',
    '<p style="font-weight: bold; font-size: 1.25em;">Kindred</p>',
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...actions.map(
      (a) =>
        `<p><a href="${escapeHtml(a.href)}" style="color: #0b57d0;">${escapeHtml(a.label)}</a><br><span style="font-size: 0.85em;">${escapeHtml(a.href)}</span></p>`,
    ),
    `<p style="color: #555;">${escapeHtml(footer)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html, headers: headersOf(message) };
}

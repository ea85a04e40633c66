import { MailMessage, renderMail } from './mail-templates';

const link = 'https://kindred.example/verify-email?token=abc_DEF-123';
const MESSAGES: MailMessage[] = [
  { template: 'verify-email', links: { verify: link } },
  { template: 'already-registered', links: { signIn: 'https://kindred.example/sign-in', forgotPassword: 'https://kindred.example/forgot-password' } },
  { template: 'password-reset', links: { reset: 'https://kindred.example/reset-password?token=t' } },
  { template: 'password-changed', links: { forgotPassword: 'https://kindred.example/forgot-password' } },
  { template: 'confirm-new-email', links: { verify: link } },
  { template: 'email-change-requested', links: { forgotPassword: 'https://kindred.example/forgot-password' } },
  { template: 'address-in-use', links: { signIn: 'https://kindred.example/sign-in', forgotPassword: 'https://kindred.example/forgot-password' } },
  { template: 'second-factor-on', links: { forgotPassword: 'https://kindred.example/forgot-password' } },
  { template: 'second-factor-off', links: { forgotPassword: 'https://kindred.example/forgot-password' } },
  { template: 'supporter-invitation', links: { accept: 'https://kindred.example/supporter-invitation?token=t' } },
];

describe('mail templates', () => {
  it.each(MESSAGES.map((m) => [m.template, m] as const))('%s: says Kindred in the subject and carries every link in both parts', (_, message) => {
    const mail = renderMail(message);
    expect(mail.subject).toContain('Kindred');
    for (const href of Object.values(message.links)) {
      expect(mail.text).toContain(href);
      expect(mail.html).toContain(`href="${href}"`);
    }
  });

  it.each(MESSAGES.map((m) => [m.template, m] as const))('%s: names no condition, group or anything personal', (_, message) => {
    const mail = renderMail(message);
    for (const part of [mail.subject, mail.text, mail.html]) {
      expect(part).not.toMatch(/kidney|diabetes|condition|group|health|display name/i);
    }
  });

  it('escapes what it puts into HTML', () => {
    const mail = renderMail({ template: 'verify-email', links: { verify: 'https://kindred.example/v?token=a"><script>' } });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('refuses a template it does not know', () => {
    expect(() => renderMail({ template: 'newsletter', links: {} } as unknown as MailMessage)).toThrow(/no mail template/);
  });
});

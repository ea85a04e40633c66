import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import {
  formatDateTime,
  notificationsApi,
  type AppNotification,
  type EmailChoice,
  type KindPreference,
  type NotificationKind,
  type NotificationPreferences,
} from '../api';
import { disablePush, enablePush, pushState, type PushState } from '../push';
import { usePaged } from '../queries';
import { useSession } from '../session';
import { ErrorMessage, Loading, MoreButton, PageTitle, Select, Status, useAnnounce } from '../ui';

/** What each kind is called on the page and in the settings. */
export const KIND_LABELS: Record<string, string> = {
  reply: 'Replies to your topics and posts',
  mention: 'Someone mentions you',
  moderation: 'What happens to something you wrote (published, held, removed)',
  application: 'Decisions on your applications',
  agreement: 'A group agreement to accept',
  sanction: 'Warnings, mutes and bans, and appeal outcomes',
  'report-outcome': 'What happened to your reports',
  'review-urgent': 'Urgent items to review (supporters)',
  'review-overdue': 'Items past their review deadline (supporters)',
  mentoring: 'Mentoring',
  reaction: 'Support sent for something you wrote (gathered together)',
  signposting: 'Support you can reach after a hard post',
};
/** Kinds only supporters and admins are sent. */
const STAFF_KINDS = new Set(['review-urgent', 'review-overdue']);
const KIND_ORDER = Object.keys(KIND_LABELS);
const byKnownOrder = (a: string, b: string) => (KIND_ORDER.indexOf(a) + 1 || 99) - (KIND_ORDER.indexOf(b) + 1 || 99);

/** Where a notification leads in the app. */
export function notificationLink(n: Pick<AppNotification, 'kind' | 'groupId' | 'subjectId'>): string {
  switch (n.kind) {
    case 'reply':
      return n.subjectId ? `/thread/${n.subjectId}` : n.groupId ? `/community/${n.groupId}` : '/notifications';
    case 'mention':
      // A mention in a post names its topic; one in the group chat names no subject.
      return n.subjectId ? `/thread/${n.subjectId}` : n.groupId ? `/community/${n.groupId}/chat` : '/notifications';
    case 'review-urgent':
    case 'review-overdue':
      return n.groupId ? `/community/${n.groupId}/review` : '/notifications';
    case 'agreement':
      return n.groupId ? `/community/${n.groupId}/agreement` : '/notifications';
    case 'application':
      return n.groupId ? `/community/${n.groupId}` : '/notifications';
    case 'moderation':
    case 'sanction':
    case 'report-outcome':
      return '/my/notices';
    default:
      return n.groupId ? `/community/${n.groupId}` : '/notifications';
  }
}

/** The signed-in person's unread count, shared by the header and the page (one request). */
export function useUnreadCount(enabled: boolean): number {
  const first = useQuery({ queryKey: ['notifications', 'unread'], queryFn: () => notificationsApi.list(), enabled, staleTime: 10_000 });
  return enabled ? (first.data?.unread ?? 0) : 0;
}

function SignInFirst() {
  return (
    <p>
      Please <Link to="/sign-in">sign in</Link> first.
    </p>
  );
}

/**
 * The moment push is offered: on the pages about notifications, saying what it is for and what a
 * lock screen will show. The browser's own prompt comes only after the button is pressed.
 */
export function PushCard() {
  const { me } = useSession();
  const announce = useAnnounce();
  const [state, setState] = useState<PushState | 'checking'>('checking');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!me) return;
    let live = true;
    void pushState(me.id)
      .catch((): PushState => 'off')
      .then((s) => live && setState(s));
    return () => {
      live = false;
    };
  }, [me]);
  if (!me || state === 'checking') return null;
  const run = async (work: () => Promise<PushState>, done: (s: PushState) => string) => {
    setBusy(true);
    setError(undefined);
    try {
      const next = await work();
      setState(next);
      announce(done(next));
    } catch (e) {
      setError(e instanceof Error && !('status' in e) ? new Error('This browser could not set up alerts. Please try again later.') : e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card push-card" aria-labelledby="push-title">
      <h2 id="push-title">Alerts on this device</h2>
      {state === 'unsupported' ? <p>This browser cannot show alerts from Kindred. You will still see everything here, and by email if you choose.</p> : null}
      {state === 'denied' ? (
        <p>
          Alerts are blocked for Kindred in this browser’s settings. If you want them, allow notifications for this site in the browser, then come back here.
        </p>
      ) : null}
      {state === 'off' ? (
        <>
          <p>
            Get a discreet alert when someone replies, even when Kindred is closed. An alert only says “Kindred: you have a new reply”: never what anyone wrote,
            your condition or the group’s name, so nothing about your health shows on a lock screen.
          </p>
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              void run(
                () => enablePush(me.id),
                (s) => (s === 'on' ? 'Alerts are on for this device.' : 'Alerts are not on.'),
              )
            }
          >
            Turn on alerts
          </button>
        </>
      ) : null}
      {state === 'on' ? (
        <>
          <p>Alerts are on for this device. You choose which kinds below in your notification settings.</p>
          <button type="button" className="secondary" disabled={busy} onClick={() => void run(disablePush, () => 'Alerts are off for this device.')}>
            Turn off alerts on this device
          </button>
        </>
      ) : null}
      <ErrorMessage error={error} />
    </section>
  );
}

export function Notifications() {
  const { me } = useSession();
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const list = usePaged<AppNotification>(['notifications', 'list'], me ? (cursor) => notificationsApi.list(cursor) : null);
  const unread = useUnreadCount(Boolean(me));
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['notifications'] });
  const markAll = useMutation({
    mutationFn: notificationsApi.markAllRead,
    onSuccess: async () => {
      await refresh();
      announce('All notifications are marked as read.');
    },
  });
  const markOne = useMutation({ mutationFn: (id: string) => notificationsApi.markRead([id]), onSuccess: refresh });
  // An alert or email opens /notifications?open=<id>: that one is read now, and its page opens.
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const open = params.get('open');
  const openedItem = open ? list.data?.find((n) => n.id === open) : undefined;
  const listed = list.data !== undefined;
  useEffect(() => {
    if (!open || !listed) return;
    void notificationsApi
      .markRead([open])
      .catch(() => undefined)
      .then(refresh);
    navigate(openedItem ? notificationLink(openedItem) : '/notifications', { replace: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, listed]);
  if (!me)
    return (
      <>
        <PageTitle>Notifications</PageTitle>
        <SignInFirst />
      </>
    );
  return (
    <>
      <PageTitle>Notifications</PageTitle>
      <div className="section-head">
        <p className="unread-summary" data-testid="unread-summary">
          {unread === 0 ? 'Nothing unread.' : `${unread} unread`}
        </p>
        <p>
          <Link to="/settings/notifications">Notification settings</Link>
        </p>
      </div>
      <PushCard />
      {list.loading ? <Loading /> : null}
      <ErrorMessage error={list.error ?? markAll.error ?? markOne.error} />
      {unread > 0 ? (
        <p>
          <button type="button" className="secondary" onClick={() => markAll.mutate()} disabled={markAll.isPending}>
            Mark all as read
          </button>
        </p>
      ) : null}
      {list.data?.length === 0 ? <p>You have no notifications yet.</p> : null}
      <ul className="notifications">
        {list.data?.map((n) => {
          const isUnread = !n.readAt;
          return (
            <li key={n.id} className={isUnread ? 'card notification unread' : 'card notification'}>
              <p className="notification-title">
                {isUnread ? <span className="badge unread-marker">Unread</span> : null}{' '}
                <Link to={notificationLink(n)} onClick={() => isUnread && markOne.mutate(n.id)}>
                  {n.title}
                </Link>
              </p>
              <p className="hint">{formatDateTime(n.createdAt)}</p>
              {isUnread ? (
                <button type="button" className="secondary small" onClick={() => markOne.mutate(n.id)} disabled={markOne.isPending}>
                  Mark as read<span className="visually-hidden">: {n.title}</span>
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
      <MoreButton list={list} what="notifications" />
    </>
  );
}

const EMAIL_CHOICES: Array<[EmailChoice, string]> = [
  ['off', 'No email'],
  ['immediate', 'Email straight away'],
  ['digest', 'One email a day (digest)'],
];

/** Every IANA time zone this browser knows, the person's own first if it is missing. */
function timeZones(current: string): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return known.includes(current) ? known : [current, ...known];
}

function KindRow({ kind, value, onChange }: { kind: NotificationKind; value: KindPreference; onChange: (next: KindPreference) => void }) {
  const id = useId();
  return (
    <fieldset className="kind-preference">
      <legend>{KIND_LABELS[kind] ?? kind}</legend>
      <div className="checkbox">
        <input id={`${id}-push`} type="checkbox" checked={value.push} onChange={(e) => onChange({ ...value, push: e.target.checked })} />
        <label htmlFor={`${id}-push`}>Alert on my devices</label>
      </div>
      <Select label="Email" value={value.email} onChange={(email) => onChange({ ...value, email: email as EmailChoice })} options={EMAIL_CHOICES} />
      {kind === 'review-urgent' ? (
        <p className="hint">Urgent items come through during quiet hours too, while you are on cover: someone may be in crisis.</p>
      ) : value.neverQuiet !== undefined ? (
        <div className="checkbox">
          <input id={`${id}-quiet`} type="checkbox" checked={value.neverQuiet} onChange={(e) => onChange({ ...value, neverQuiet: e.target.checked })} />
          <label htmlFor={`${id}-quiet`}>Send these during quiet hours too</label>
        </div>
      ) : null}
    </fieldset>
  );
}

function PreferencesForm({ initial, staff }: { initial: NotificationPreferences; staff: boolean }) {
  const [prefs, setPrefs] = useState<NotificationPreferences>(() => ({
    ...initial,
    // Someone who never chose a zone gets the one their device is in, which they can change.
    timezone: initial.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone || 'Europe/London',
  }));
  const [quiet, setQuiet] = useState(initial.quietHours ?? { from: '22:00', to: '07:00' });
  const [quietOn, setQuietOn] = useState(initial.quietHours !== null);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (body: NotificationPreferences) => notificationsApi.savePreferences(body),
    onSuccess: () => setSaved(true),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    save.mutate({ ...prefs, quietHours: quietOn ? quiet : null });
  };
  const zones = timeZones(prefs.timezone);
  const kinds = Object.keys(prefs.kinds)
    .filter((kind) => staff || !STAFF_KINDS.has(kind))
    .sort(byKnownOrder);
  return (
    <form onSubmit={submit} noValidate>
      <p>You always see every notification here in Kindred. Choose which ones also reach you by alert or email.</p>
      {kinds.map((kind) => (
        <KindRow key={kind} kind={kind} value={prefs.kinds[kind]} onChange={(next) => setPrefs({ ...prefs, kinds: { ...prefs.kinds, [kind]: next } })} />
      ))}
      <fieldset>
        <legend>Quiet hours</legend>
        <p className="hint">No alerts or emails during these hours. They wait until the quiet hours end.</p>
        <div className="checkbox">
          <input id="quiet-on" type="checkbox" checked={quietOn} onChange={(e) => setQuietOn(e.target.checked)} />
          <label htmlFor="quiet-on">Keep quiet hours</label>
        </div>
        {quietOn ? (
          <div className="quiet-times">
            <div className="field">
              <label htmlFor="quiet-from">From</label>
              <input id="quiet-from" type="time" value={quiet.from} required onChange={(e) => setQuiet({ ...quiet, from: e.target.value })} />
            </div>
            <div className="field">
              <label htmlFor="quiet-to">Until</label>
              <input id="quiet-to" type="time" value={quiet.to} required onChange={(e) => setQuiet({ ...quiet, to: e.target.value })} />
            </div>
          </div>
        ) : null}
        <Select
          label="Your time zone"
          hint="Quiet hours and the daily email follow this time zone."
          value={prefs.timezone}
          onChange={(timezone) => setPrefs({ ...prefs, timezone })}
          options={zones.map((z) => [z, z.replace(/_/g, ' ')])}
        />
      </fieldset>
      {prefs.showDetails !== undefined ? (
        <fieldset>
          <legend>What alerts and emails say</legend>
          <p className="hint">
            By default they only say that something happened, such as “Kindred: you have a new reply”, so nothing about your health shows on a lock screen or in
            a shared inbox. They never include what anyone wrote.
          </p>
          <div className="checkbox">
            <input id="show-details" type="checkbox" checked={prefs.showDetails} onChange={(e) => setPrefs({ ...prefs, showDetails: e.target.checked })} />
            <label htmlFor="show-details">Name the group in alerts and emails</label>
          </div>
        </fieldset>
      ) : null}
      <ErrorMessage error={save.error} />
      {saved ? <Status>Your notification settings are saved.</Status> : null}
      <button type="submit" disabled={save.isPending}>
        Save notification settings
      </button>
    </form>
  );
}

export function NotificationSettings() {
  const { me } = useSession();
  const prefs = useQuery({ queryKey: ['notification-preferences'], queryFn: notificationsApi.preferences, enabled: Boolean(me) });
  return (
    <>
      <PageTitle>Notification settings</PageTitle>
      {!me ? <SignInFirst /> : null}
      {me ? (
        <p>
          <Link to="/notifications">Back to your notifications</Link>
        </p>
      ) : null}
      <PushCard />
      {prefs.isPending && me ? <Loading /> : null}
      <ErrorMessage error={prefs.error} />
      {prefs.data && me ? <PreferencesForm initial={prefs.data} staff={me.isAdmin || me.memberships.some((m) => m.role === 'supporter')} /> : null}
    </>
  );
}

/**
 * The page a mailed "Unsubscribe" link opens (no sign-in). It asks before it acts: mail scanners
 * open links on their own, and must not turn someone's mail off. (Mail clients' own one-click
 * button posts to the API directly, RFC 8058.)
 */
export function Unsubscribe() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const stop = useMutation({ mutationFn: () => notificationsApi.unsubscribeEmail(token) });
  return (
    <>
      <PageTitle>Stop these emails</PageTitle>
      {!token ? <p>This link is not complete. Please use the whole link from the email.</p> : null}
      {token && !stop.isSuccess ? (
        <>
          <p>Kindred will stop sending you the emails this link came from. You will still see everything in Kindred when you sign in.</p>
          <ErrorMessage error={stop.error} />
          <button type="button" onClick={() => stop.mutate()} disabled={stop.isPending}>
            Stop these emails
          </button>
        </>
      ) : null}
      {stop.isSuccess ? (
        <Status>
          Done: these emails have stopped. You can choose again at any time in your <Link to="/settings/notifications">notification settings</Link>.
        </Status>
      ) : null}
    </>
  );
}

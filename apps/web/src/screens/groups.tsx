import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useEffectEvent, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError, client, formatDateTime, formatTime, ok, type Schema } from '../api';
import { followForum } from '../chat-socket';
import { useAgreement, useGroup, useMyApplication, usePaged, useResources } from '../queries';
import { ResourceList } from './resources';
import { membershipOf, useSession } from '../session';
import { pinLabel, useAgreementRedirect } from './forum';
import { ErrorMessage, Field, LoadError, Loading, MoreButton, PageTitle, Status } from '../ui';
import { GroupSearch } from './search';

export function Directory() {
  const { me } = useSession();
  const groups = usePaged(['groups'], (cursor) => ok(client.GET('/groups', { params: { query: { cursor } } })));
  return (
    <>
      <PageTitle>Groups</PageTitle>
      <p>Each group is a private space for people living with the same condition. Nobody outside a group can read what is said in it.</p>
      {groups.loading ? <Loading what="Loading groups" /> : null}
      <ErrorMessage error={groups.error} />
      {groups.data && groups.data.length === 0 ? <p>There are no groups yet.</p> : null}
      <ul className="cards">
        {groups.data?.map((g) => {
          const membership = membershipOf(me, g.id);
          return (
            <li key={g.id} className="card">
              <h2>
                <Link to={`/community/${g.id}`}>{g.name}</Link>
              </h2>
              <p>{g.description}</p>
              <p className="hint">
                For people living with {g.condition}
                {g.eligibility?.minAge || g.eligibility?.maxAge
                  ? `, aged ${g.eligibility.minAge ?? 18}${g.eligibility.maxAge ? ` to ${g.eligibility.maxAge}` : ' and over'}`
                  : ''}
                .
              </p>
              {membership ? <p className="badge">{membership.role === 'supporter' ? 'You are a supporter here' : 'You are a member'}</p> : null}
            </li>
          );
        })}
      </ul>
      <MoreButton list={groups} what="groups" />
    </>
  );
}

/** Topics of a group, or what the person needs to do first (sign in, apply, accept the agreement). */
export function GroupHome({ groupId }: { groupId: string }) {
  const { me, refresh } = useSession();
  // Memberships change while the app is open (an application approved, a role given): ask again.
  useEffect(() => {
    void refresh();
  }, [groupId, refresh]);
  const group = useGroup(groupId);
  const membership = membershipOf(me, groupId);
  const canRead = Boolean(membership || me?.isAdmin);
  const topics = usePaged(
    ['topics', groupId],
    canRead ? (cursor) => ok(client.GET('/groups/{groupId}/topics', { params: { path: { groupId }, query: { cursor } } })) : null,
  );
  const [shown, setShown] = useState<Set<string>>(new Set());
  // Live: a new topic or reply anywhere in the group, or a change to one of the reader's own, refreshes the list in place.
  const relist = useEffectEvent(() => topics.reload());
  useEffect(() => {
    if (!canRead) return undefined;
    return followForum(groupId, { onPost: () => relist(), onRemoved: () => relist(), onMine: () => relist() });
  }, [groupId, canRead]);

  // The group just left (this screen stays mounted when the reader moves to another group).
  const [left, setLeft] = useState<string>();

  useAgreementRedirect(topics.error, groupId);
  // A member's first visit lands on the group's welcome topic, until they have read it (once a visit to this page at most).
  const navigate = useNavigate();
  const welcome = topics.data?.find((t) => t.pinRole === 'welcome');
  const unreadWelcome = membership?.role === 'member' && welcome && welcome.readAt === null ? welcome.id : undefined;
  useEffect(() => {
    if (!unreadWelcome) return;
    const key = `kindred-welcomed-${unreadWelcome}`;
    if (window.sessionStorage.getItem(key)) return;
    window.sessionStorage.setItem(key, '1');
    navigate(`/thread/${unreadWelcome}?welcome=1`, { replace: true });
  }, [unreadWelcome, navigate]);
  const g = group.data;
  return (
    <>
      <PageTitle>{g ? g.name : 'Group'}</PageTitle>
      {group.error ? <LoadError error={group.error} what="this group" /> : null}
      {left === groupId ? <Status>You have left this group. What you wrote here stays. You can apply to join again at any time.</Status> : null}
      {g ? <p>{g.description}</p> : null}
      {!me ? (
        <p>
          <Link to={`/sign-in?next=/community/${groupId}`}>Sign in</Link> or <Link to="/register">create an account</Link> to apply to join this group.
        </p>
      ) : null}
      {me && !canRead ? <ApplicationStatus groupId={groupId} /> : null}
      {canRead ? <GroupSearch groupId={groupId} /> : null}
      {canRead ? (
        <section aria-labelledby="topics-title">
          <div className="section-head">
            <h2 id="topics-title">Topics</h2>
            <Link className="button" to={`/community/${groupId}/new-topic`}>
              Start a topic
            </Link>
          </div>
          {topics.loading ? <Loading what="Loading topics" /> : null}
          <ErrorMessage error={topics.error} />
          {topics.data && topics.data.length === 0 ? <p>No topics yet. You could start the first one.</p> : null}
          <ul className="topics">
            {topics.data?.map((t) => {
              const hidden = Boolean(t.contentWarning) && !shown.has(t.id);
              return (
                <li key={t.id} className={t.pinned ? 'topic pinned' : 'topic'}>
                  {t.contentWarning ? (
                    <p className="content-warning">
                      <span>Content warning: {t.contentWarning}</span>{' '}
                      <button
                        type="button"
                        className="secondary small"
                        aria-expanded={!hidden}
                        onClick={() =>
                          setShown((s) => {
                            const next = new Set(s);
                            if (next.has(t.id)) next.delete(t.id);
                            else next.add(t.id);
                            return next;
                          })
                        }
                      >
                        {hidden ? 'Show this topic' : 'Hide this topic'}
                      </button>
                    </p>
                  ) : null}
                  {hidden ? null : (
                    <>
                      {t.pinned ? (
                        <>
                          <span className="badge pinned">{pinLabel(t.pinRole)}</span>{' '}
                        </>
                      ) : null}
                      {t.unread ? (
                        <>
                          <span className="badge new">New</span>{' '}
                        </>
                      ) : null}
                      <Link to={`/thread/${t.id}`} className="topic-title">
                        {t.title}
                        {t.unread ? <span className="visually-hidden"> (new since your last visit)</span> : null}
                      </Link>
                      {t.status === 'held' ? (
                        <p className="hint topic-status">Only you can see this topic: a supporter will read it before others see it.</p>
                      ) : null}
                      {t.status === 'screening' ? <p className="hint topic-status">Only you can see this topic while it is being checked.</p> : null}
                      <p className="hint">
                        Started by {t.author?.displayName ?? 'Former member'} · {t.replyCount} {t.replyCount === 1 ? 'reply' : 'replies'} · last activity{' '}
                        {formatTime(t.lastActivityAt)}
                      </p>
                    </>
                  )}
                </li>
              );
            })}
          </ul>
          <MoreButton list={topics} what="topics" />
        </section>
      ) : null}
      {membership ? <LeaveGroup groupId={groupId} groupName={g?.name ?? 'this group'} onLeft={() => setLeft(groupId)} /> : null}
    </>
  );
}

/**
 * Leaving is always the member's to choose: asked once more in a dialog, then the group's forum and
 * chat close to them at once. What they wrote stays, under their name.
 */
function LeaveGroup({ groupId, groupName, onLeft }: { groupId: string; groupName: string; onLeft: () => void }) {
  const { refresh } = useSession();
  const dialog = useRef<HTMLDialogElement>(null);
  const [state, setState] = useState<{ busy?: boolean; error?: unknown }>({});
  const leave = async () => {
    setState({ busy: true });
    try {
      await ok(client.DELETE('/groups/{groupId}/membership', { params: { path: { groupId } } }));
      dialog.current?.close();
      onLeft();
      await refresh();
    } catch (e) {
      setState({ error: e });
    }
  };
  return (
    <section aria-labelledby="leave-title" className="leave-group">
      <h2 id="leave-title">Leave this group</h2>
      <p>You can leave whenever you want (while a mute lasts, once it ends). What you have written stays, under your name.</p>
      <button type="button" className="secondary" aria-haspopup="dialog" onClick={() => dialog.current?.showModal()}>
        Leave this group
      </button>
      <dialog ref={dialog} className="help-dialog" aria-labelledby="leave-confirm-title" aria-describedby="leave-confirm-text">
        <h2 id="leave-confirm-title">Leave {groupName}?</h2>
        <p id="leave-confirm-text">
          You will no longer see its topics or chat, and you will leave its chat room straight away. Your posts stay, under your name. To come back you
          would need to apply again.
        </p>
        <ErrorMessage error={state.error} />
        <div className="dialog-actions">
          <button type="button" className="danger" onClick={() => void leave()} disabled={state.busy}>
            {state.busy ? 'Leaving…' : 'Yes, leave this group'}
          </button>
          <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
            Stay in the group
          </button>
        </div>
      </dialog>
    </section>
  );
}

/**
 * Where the signed-in person's application stands, for someone not (or no longer) in the group:
 * waiting (since when, and when a supporter will look), or declined (with the group's support
 * contacts, never a dead end); with none, or after a decision, the way to apply.
 */
function ApplicationStatus({ groupId }: { groupId: string }) {
  const mine = useMyApplication(groupId);
  if (mine.isPending) return <Loading what="Checking your application" />;
  if (mine.error) return <LoadError error={mine.error} what="your application" />;
  const application = mine.data;
  const applyLink = (label: string) => (
    <p>
      <Link className="button" to={`/community/${groupId}/apply`}>
        {label}
      </Link>
    </p>
  );
  if (!application) return applyLink('Apply to join');
  if (application.status === 'pending') {
    return (
      <section aria-labelledby="application-title" className="card application-status" data-status="pending">
        <h2 id="application-title">Your application is waiting</h2>
        <p>
          You sent it {formatDateTime(application.createdAt)}.{' '}
          {application.reviewPromise
            ? application.reviewPromise
            : application.dueAt
              ? `A supporter will look at it by ${formatDateTime(application.dueAt)}.`
              : 'A supporter will look at it soon.'}{' '}
          We will send you a notice when it is decided.
        </p>
      </section>
    );
  }
  if (application.status === 'rejected') {
    return (
      <>
        <section aria-labelledby="application-title" className="card application-status" data-status="rejected">
          <h2 id="application-title">Your application was not approved</h2>
          <p>
            A supporter decided this group is not the right place for you{application.decidedAt ? ` (${formatDateTime(application.decidedAt)})` : ''}.
            {application.reason ? ` The reason they gave: ${application.reason}` : ''}
          </p>
        </section>
        <NotEligible groupId={groupId} />
      </>
    );
  }
  // Approved once, but not in the group now (they left): they may ask again.
  return applyLink('Apply to join again');
}

/** Someone this group is not for still leaves with help: the group's own resources and the crisis lines. */
function NotEligible({ groupId }: { groupId: string }) {
  const resources = useResources(groupId);
  return (
    <section aria-labelledby="other-support" className="card">
      <h2 id="other-support">Support you can still reach</h2>
      <p>
        This group cannot take you, but you do not have to manage alone. These are the contacts this group recommends; the{' '}
        <Link to={`/community/${groupId}/resources`}>support page</Link> keeps them, and “Need help now?” at the top of every page has the crisis lines.
      </p>
      {resources.data ? <ResourceList resources={resources.data} /> : <Loading what="Loading support contacts" />}
      <p>
        <Link to="/">Look at the other groups</Link>
      </p>
    </section>
  );
}

/** `/community/:groupId/resources`: the group's signposting directory, for anyone, outside the crisis dialog. */
export function GroupResources({ groupId }: { groupId: string }) {
  const resources = useResources(groupId);
  const group = useGroup(groupId);
  return (
    <>
      <PageTitle>Support and resources</PageTitle>
      <p>
        Contacts {group.data ? `${group.data.name} recommends` : 'this group recommends'}: helplines, clinical teams and information. If you are in danger now,
        call 999.
      </p>
      {resources.isPending ? <Loading /> : null}
      {resources.error ? <LoadError error={resources.error} what="this group’s support contacts" /> : null}
      {resources.data ? <ResourceList resources={resources.data} /> : null}
    </>
  );
}

export function Apply({ groupId }: { groupId: string }) {
  const { me, refresh } = useSession();
  const queryClient = useQueryClient();
  const group = useGroup(groupId);
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [declaration, setDeclaration] = useState(false);
  const [referralCode, setReferralCode] = useState('');
  const [error, setError] = useState<unknown>();
  const [result, setResult] = useState<Schema<'ApplicationReceiptView'>>();
  const [busy, setBusy] = useState(false);

  if (!me)
    return (
      <>
        <PageTitle>Apply to join</PageTitle>
        <p>
          Please <Link to={`/sign-in?next=/community/${groupId}/apply`}>sign in</Link> first.
        </p>
      </>
    );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!declaration) {
      setError(new Error('Please tick the declaration to say the answers are true.'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const body: Schema<'ApplyDto'> = { answers: answers as Schema<'ApplyDto'>['answers'], declaration: true };
      if (referralCode.trim()) body.referralCode = referralCode.trim();
      const answer = await ok(client.POST('/groups/{groupId}/applications', { params: { path: { groupId } }, body }));
      setResult(answer);
      void queryClient.invalidateQueries({ queryKey: ['my-application', groupId] });
      await refresh();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const g = group.data;
  return (
    <>
      <PageTitle>{g ? `Apply to join ${g.name}` : 'Apply to join'}</PageTitle>
      {group.isPending ? <Loading /> : null}
      {group.error ? <LoadError error={group.error} what="this group" /> : null}
      {error instanceof ApiError && error.code === 'NOT_ELIGIBLE' ? <NotEligible groupId={groupId} /> : null}
      {result ? (
        <Status>
          {result.status === 'approved' ? (
            <p>
              You are in. Next, please <Link to={`/community/${groupId}/agreement`}>read and accept the group agreement</Link>.
            </p>
          ) : (
            <p>
              Thank you.{' '}
              {result.reviewPromise
                ? result.reviewPromise
                : `Your application is waiting for a supporter${result.dueAt ? `, who will look at it by ${formatTime(result.dueAt)}` : ''}.`}{' '}
              We will send you a notice when it is decided.
            </p>
          )}
        </Status>
      ) : g ? (
        <form onSubmit={submit} noValidate>
          <p>A supporter reads every application. Your answers are only seen by the group’s supporters.</p>
          <ErrorMessage error={error} />
          {g.eligibility.questions.map((q) => (
            <Field
              key={q.key}
              label={q.prompt}
              value={answers[q.key] ?? ''}
              onChange={(v) => setAnswers((a) => ({ ...a, [q.key]: v }))}
              required={q.required}
            />
          ))}
          <Field
            label="Referral code"
            hint="If your clinical team gave you a code, enter it and you will be let in straight away."
            value={referralCode}
            onChange={setReferralCode}
          />
          <div className="checkbox">
            <input id="declaration" type="checkbox" checked={declaration} onChange={(e) => setDeclaration(e.target.checked)} />
            <label htmlFor="declaration">I declare that I live with {g.condition} and that my answers are true.</label>
          </div>
          <button type="submit" disabled={busy}>
            {busy ? 'Sending…' : 'Send application'}
          </button>
        </form>
      ) : null}
    </>
  );
}

export function AgreementScreen({ groupId }: { groupId: string }) {
  const { me, refresh } = useSession();
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const agreement = useAgreement(groupId);
  useEffect(() => {
    void refresh();
  }, [groupId, refresh]);
  const [agreed, setAgreed] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const membership = membershipOf(me, groupId);
  const a = agreement.data;
  const accepted = Boolean(a && membership && membership.acceptedAgreementVersion === a.version);
  // "Has changed" only for someone who accepted an earlier version; a new member has nothing that changed.
  const firstTime = Boolean(membership && membership.acceptedAgreementVersion === null);
  const changed =
    !firstTime && (search.get('changed') === '1' || Boolean(a && membership?.acceptedAgreementVersion && membership.acceptedAgreementVersion !== a.version));

  const accept = async (event: FormEvent) => {
    event.preventDefault();
    if (!a) return;
    if (!agreed) {
      setError(new Error('Please tick the box to say you have read the agreement and will keep to it.'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await ok(client.POST('/groups/{groupId}/agreement/acceptances', { params: { path: { groupId } }, body: { version: a.version } }));
      await refresh();
      navigate(`/community/${groupId}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        setError(new Error('The agreement changed while you were reading it. Here is the new version.'));
        void agreement.refetch();
      } else setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle>Group agreement</PageTitle>
      {agreement.isPending ? <Loading /> : null}
      {agreement.error ? <LoadError error={agreement.error} what="this group’s agreement" /> : null}
      {firstTime && !accepted ? (
        <Status>
          <p className="notice-first-read">Welcome. Please read the group agreement, then accept it at the bottom of the page to start taking part.</p>
        </Status>
      ) : null}
      {changed && !accepted && membership ? (
        <Status>
          <p className="notice-changed">
            The group agreement has changed{a ? ` (now version ${a.version})` : ''}. Please read it and accept it again to keep taking part.
          </p>
        </Status>
      ) : null}
      {a ? (
        <>
          <p>
            Version {a.version}, published {new Date(a.publishedAt).toLocaleDateString(undefined, { day: 'numeric', month: 'long', year: 'numeric' })}. Every
            decision a supporter makes points to one of these clauses.
          </p>
          <ol className="clauses">
            {a.clauses.map((c) => (
              <li key={c.key}>
                <h2>{c.title}</h2>
                <p className="preserve">{c.text}</p>
              </li>
            ))}
          </ol>
          {accepted ? <Status>You have accepted this version.</Status> : null}
          {membership && !accepted ? (
            <form onSubmit={accept} noValidate>
              <ErrorMessage error={error} />
              <div className="checkbox">
                <input id="agree" type="checkbox" checked={agreed} onChange={(e) => setAgreed(e.target.checked)} />
                <label htmlFor="agree">I have read the group agreement (version {a.version}) and I will keep to it.</label>
              </div>
              <button type="submit" disabled={busy}>
                {busy ? 'Saving…' : 'Accept the agreement'}
              </button>
            </form>
          ) : null}
        </>
      ) : null}
    </>
  );
}

/**
 * `/supporter-invitation?token=`: the page an invitation mail opens. Signed out, it says how to
 * accept (an account with the invited address, confirmed, then back here); signed in, it accepts.
 */
export function SupporterInvitation() {
  const { me, refresh } = useSession();
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const token = search.get('token') ?? '';
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const here = `/supporter-invitation?token=${encodeURIComponent(token)}`;

  const accept = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const { groupId } = await ok(client.POST('/supporter-invitations/accept', { body: { token } }));
      await refresh();
      navigate(`/community/${groupId}/agreement`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle>Volunteer as a supporter</PageTitle>
      <p>You have been invited to be one of the volunteer supporters of a community on Kindred: the people who read what members post and help keep it safe.</p>
      {!token ? <p>This link has no invitation in it. Open the link from the invitation mail again.</p> : null}
      {token && !me ? (
        <>
          <p>To accept, you need a Kindred account with the email address the invitation was sent to.</p>
          <ol>
            <li>
              <Link to="/register">Create an account</Link> with that address, and confirm it from the mail we send you.
            </li>
            <li>
              <Link to={`/sign-in?next=${encodeURIComponent(here)}`}>Sign in</Link>: you will come back here to accept.
            </li>
          </ol>
        </>
      ) : null}
      {token && me ? (
        <>
          <ErrorMessage error={error} />
          <p>Accepting makes you a supporter of that community. Next you will read its group agreement.</p>
          <button type="button" disabled={busy} onClick={() => void accept()}>
            {busy ? 'Accepting…' : 'Accept the invitation'}
          </button>
        </>
      ) : null}
    </>
  );
}

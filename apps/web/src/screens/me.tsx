import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError, client, formatDateTime, ok, type MyPost, type Notice } from '../api';
import { closeChatSocket } from '../chat-socket';
import { usePaged } from '../queries';
import { useSession } from '../session';
import { ErrorMessage, Field, fieldError, Loading, MoreButton, PageTitle, Status } from '../ui';
import { ResourceList } from './resources';
import { noticeWords } from '../notice-words';
import { TwoStepSection } from './two-step';

function SignInFirst() {
  return (
    <p>
      Please <Link to="/sign-in">sign in</Link> first.
    </p>
  );
}

function AppealForm({ notice }: { notice: Notice }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await ok(client.POST('/notices/{noticeId}/appeal', { params: { path: { noticeId: notice.id } }, body: { text } }));
      setDone(true);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) setError(new Error('This notice is no longer there, so it cannot be appealed.'));
      else if (e instanceof ApiError && e.status === 409) setError(new Error('You have already appealed this decision.'));
      else setError(e);
    }
  };
  if (done) return <Status>Your appeal is sent. A different supporter will look at it.</Status>;
  if (!open)
    return (
      <button type="button" className="secondary small" onClick={() => setOpen(true)}>
        Appeal this decision
      </button>
    );
  return (
    <form onSubmit={submit} noValidate>
      <ErrorMessage error={error} />
      <Field
        label="Why should this decision change?"
        hint="A supporter who did not make the decision will read this."
        multiline
        rows={4}
        value={text}
        onChange={setText}
        required
      />
      <button type="submit">Send appeal</button>
    </form>
  );
}

function NoticeCard({ notice: n }: { notice: Notice }) {
  const words = noticeWords(n);
  return (
    <li className={`card notice notice-${n.kind}`}>
      <h2>{words.heading}</h2>
      <p className="hint">
        <time dateTime={n.createdAt}>{formatDateTime(n.createdAt)}</time>
      </p>
      {words.sentences.map((sentence) => (
        <p key={sentence} className="preserve">
          {sentence}
        </p>
      ))}
      {words.clause ? <p>{words.clause}</p> : null}
      {words.quote ? (
        <figure className="quote">
          <figcaption>What you wrote:</figcaption>
          <blockquote className="preserve">{words.quote}</blockquote>
        </figure>
      ) : null}
      {n.resources && n.resources.length > 0 ? <ResourceList resources={n.resources} /> : null}
      {n.appealable ? <AppealForm notice={n} /> : null}
      {n.kind === 'check-in' && n.subjectId ? <Link to={`/conversations/${n.subjectId}`}>Open the check-in</Link> : null}
      {n.kind === 'mentoring' && n.subjectId ? <Link to={`/mentoring/${n.subjectId}`}>Open your mentoring</Link> : null}
      {n.kind === 'questionnaire' ? <Link to="/my/questionnaires">Answer the questions</Link> : null}
    </li>
  );
}

export function Notices() {
  const { me } = useSession();
  const notices = usePaged(['notices'], me ? (cursor) => ok(client.GET('/me/notices', { params: { query: { cursor } } })) : null);
  return (
    <>
      <PageTitle>Your notices</PageTitle>
      {!me ? <SignInFirst /> : null}
      {notices.loading ? <Loading /> : null}
      <ErrorMessage error={notices.error} />
      {me && notices.data?.length === 0 ? <p>You have no notices.</p> : null}
      <ul className="notices">
        {notices.data?.map((n) => (
          <NoticeCard key={n.id} notice={n} />
        ))}
      </ul>
      <MoreButton list={notices} what="notices" />
    </>
  );
}

export function Account() {
  const { me, forget } = useSession();
  const navigate = useNavigate();
  const sessions = useQuery({
    queryKey: ['sessions', me?.id],
    queryFn: () => ok(client.GET('/me/sessions')),
    enabled: Boolean(me),
  });
  const [exportState, setExportState] = useState<{ error?: unknown; done?: boolean; busy?: boolean }>({});
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>();

  if (!me)
    return (
      <>
        <PageTitle>Your account</PageTitle>
        <SignInFirst />
      </>
    );

  const download = async () => {
    setExportState({ busy: true });
    try {
      const data = await ok(client.GET('/me/export'));
      const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = 'kindred-my-data.json';
      a.click();
      window.setTimeout(() => URL.revokeObjectURL(url), 1000);
      setExportState({ done: true });
    } catch (e) {
      setExportState({ error: e });
    }
  };

  const endSession = async (id: string) => {
    await ok(client.DELETE('/me/sessions/{sessionId}', { params: { path: { sessionId: id } } })).catch(() => undefined);
    void sessions.refetch();
  };

  const erase = async (event: FormEvent) => {
    event.preventDefault();
    if (!confirm) {
      setDeleteError(new Error('Please tick the box to confirm that you want to delete your account.'));
      return;
    }
    try {
      await ok(client.DELETE('/me', { body: { password } }));
      closeChatSocket();
      forget();
      navigate('/');
    } catch (e) {
      // A wrong password is a field error: the person stays signed in and can try again.
      setDeleteError(e);
    }
  };

  return (
    <>
      <PageTitle>Your account</PageTitle>
      <p>You are signed in as {me.displayName}. Other members only see this name.</p>
      <p>
        <Link to="/my/posts">Your posts</Link>: everything you have written, in every group, and what happened to it.
      </p>

      <ChangeDisplayName />

      <AboutMe />

      <ShowOnline />

      <TwoStepSection />

      <section aria-labelledby="sessions-title">
        <h2 id="sessions-title">Where you are signed in</h2>
        <ErrorMessage error={sessions.error} />
        <ul className="plain">
          {sessions.data?.map((s) => (
            <li key={s.id}>
              {s.userAgent ?? 'Unknown browser'} — last used {formatDateTime(s.lastSeenAt)} {s.current ? '(this browser)' : ''}{' '}
              {!s.current ? (
                <button type="button" className="secondary small" onClick={() => void endSession(s.id)}>
                  Sign out there
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      </section>

      <ChangePassword />
      <ChangeEmail />

      <section aria-labelledby="export-title">
        <h2 id="export-title">Download your data</h2>
        <p>Get a copy of everything Kindred holds about you, as a file.</p>
        <ErrorMessage error={exportState.error} />
        {exportState.done ? <Status>Your download has started.</Status> : null}
        <button type="button" onClick={() => void download()} disabled={exportState.busy}>
          Download my data
        </button>
      </section>

      <section aria-labelledby="delete-title">
        <h2 id="delete-title">Delete your account</h2>
        <p>This deletes your account and your answers. Your posts and messages are deleted and shown as from a “Former member”. It cannot be undone.</p>
        <form onSubmit={erase} noValidate>
          <ErrorMessage error={deleteError} fields={['password']} />
          <Field
            label="Your password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={setPassword}
            required
            error={fieldError(deleteError, 'password')}
          />
          <div className="checkbox">
            <input id="confirm-delete" type="checkbox" checked={confirm} onChange={(e) => setConfirm(e.target.checked)} />
            <label htmlFor="confirm-delete">I understand that deleting my account cannot be undone.</label>
          </div>
          <button type="submit" className="danger">
            Delete my account
          </button>
        </form>
      </section>
    </>
  );
}

/** The name other members see: screened like everything else written here, and never a look-alike of someone else's. */
function ChangeDisplayName() {
  const { me, refresh } = useSession();
  const [displayName, setDisplayName] = useState('');
  const [state, setState] = useState<{ busy?: boolean; done?: string; error?: unknown }>({});
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setState({ busy: true });
    try {
      const answer = await ok(client.PATCH('/me', { body: { displayName } }));
      await refresh();
      setDisplayName('');
      setState({ done: answer.displayName });
    } catch (e) {
      setState({
        error:
          e instanceof ApiError && e.status === 409
            ? new ApiError({
                ...e.problem,
                errors: [{ field: 'displayName', message: 'Someone already uses that name, or one that looks like it. Please choose another.' }],
              })
            : e,
      });
    }
  };
  return (
    <section aria-labelledby="name-title">
      <h2 id="name-title">Your display name</h2>
      <p>Other members see you as {me?.displayName}. A new name is checked like everything written here.</p>
      <form onSubmit={submit} noValidate>
        <Field
          label="New display name"
          hint="You can add what you are in brackets, like “Sam (carer)”."
          autoComplete="nickname"
          value={displayName}
          onChange={setDisplayName}
          required
          error={fieldError(state.error, 'displayName')}
        />
        <div className="form-end">
          <ErrorMessage error={state.error} fields={['displayName']} />
          {state.done ? <Status>Your display name is now {state.done}.</Status> : null}
          <button type="submit" disabled={state.busy}>
            {state.busy ? 'Changing…' : 'Change my display name'}
          </button>
        </div>
      </form>
    </section>
  );
}

/** A few words about yourself for the members of your groups: checked like a display name, so no phone numbers or other ways to reach you. */
function AboutMe() {
  const { me, refresh } = useSession();
  const [text, setText] = useState<string>();
  const [state, setState] = useState<{ busy?: boolean; done?: string; error?: unknown }>({});
  const value = text ?? me?.aboutMe ?? '';
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setState({ busy: true });
    try {
      const answer = await ok(client.PUT('/me/about', { body: { aboutMe: value } }));
      await refresh();
      setText(undefined);
      setState({ done: answer.aboutMe ? 'Saved. Members of your groups can read it.' : 'Cleared. Members of your groups see nothing about you.' });
    } catch (e) {
      setState({ error: e });
    }
  };
  return (
    <section aria-labelledby="about-title">
      <h2 id="about-title">About you</h2>
      <p>A few words members of your groups can read, if you want to share any. Please leave out anything that could identify or reach you.</p>
      <form onSubmit={submit} noValidate>
        <Field
          label="About me"
          hint={`Up to 280 characters (${value.length} so far). No phone numbers, addresses or links: they are refused, to keep you safe.`}
          multiline
          rows={3}
          value={value}
          onChange={setText}
          error={fieldError(state.error, 'aboutMe')}
        />
        <div className="form-end">
          <ErrorMessage error={state.error} fields={['aboutMe']} />
          {state.done ? <Status>{state.done}</Status> : null}
          <button type="submit" disabled={state.busy}>
            {state.busy ? 'Saving…' : 'Save about me'}
          </button>
        </div>
      </form>
    </section>
  );
}

/** Whether others see you in a chat room's "online now" list: on unless you turn it off, and saved as soon as it changes. */
function ShowOnline() {
  const { me, refresh } = useSession();
  const [state, setState] = useState<{ busy?: boolean; done?: string; error?: unknown }>({});
  // The box follows the click at once; if saving fails it goes back to what is saved.
  const [chosen, setChosen] = useState<boolean>();
  const showOnline = chosen ?? me?.showOnline ?? true;
  const change = async (next: boolean) => {
    setChosen(next);
    setState({ busy: true });
    try {
      await ok(client.PUT('/me/presence', { body: { showOnline: next } }));
      await refresh();
      setState({ done: next ? 'Others can now see when you are in a group chat.' : 'Nobody sees when you are in a group chat now.' });
    } catch (e) {
      setChosen(undefined);
      setState({ error: e });
    }
  };
  return (
    <section aria-labelledby="online-title">
      <h2 id="online-title">Online in chat</h2>
      <p>A group chat shows who is in it now. You can stay out of that list and still read and write as usual.</p>
      <div className="checkbox">
        <input id="show-online" type="checkbox" checked={showOnline} disabled={state.busy} onChange={(e) => void change(e.target.checked)} />
        <label htmlFor="show-online">Show me in “Online now” when I am in a group chat</label>
      </div>
      <ErrorMessage error={state.error} />
      {state.done ? <Status>{state.done}</Status> : null}
    </section>
  );
}

/** What a post's status means, in the author's words. */
export const MY_POST_STATUS: Record<MyPost['status'], { word: string; note: string }> = {
  screening: { word: 'Being checked', note: 'Others will see it once it has been checked, usually within seconds.' },
  published: { word: 'Published', note: 'Members of the group can read it.' },
  held: { word: 'Waiting for a supporter', note: 'Only you can see it until a supporter has read it.' },
  rejected: { word: 'Not published', note: 'It went against the group agreement. Your notices say why.' },
  hidden: { word: 'Hidden for now', note: 'Members reported it, so it is hidden until a supporter looks.' },
  removed: { word: 'Removed', note: 'A supporter removed it. Your notices say why, and how to appeal.' },
  deleted: { word: 'Deleted', note: 'You deleted it.' },
};

/** "Your posts": everything the person wrote, in every group, newest first, with an honest status. Nobody else sees this list. */
export function MyPosts() {
  const { me } = useSession();
  const posts = usePaged(['my-posts', me?.id], me ? (cursor) => ok(client.GET('/me/posts', { params: { query: { cursor } } })) : null);
  return (
    <>
      <PageTitle>Your posts</PageTitle>
      {!me ? <SignInFirst /> : <p>Everything you have written in the forums of your groups, newest first. Only you can see this list.</p>}
      {posts.loading ? <Loading what="Loading your posts" /> : null}
      <ErrorMessage error={posts.error} />
      {me && posts.data?.length === 0 ? <p>You have not written anything yet.</p> : null}
      <ul className="cards my-posts">
        {posts.data?.map((p) => {
          const status = MY_POST_STATUS[p.status];
          const where = p.topicTitle ? (p.opening ? p.topicTitle : `Reply in “${p.topicTitle}”`) : 'Reply in a topic that is no longer shown';
          return (
            <li key={p.id} className={`card my-post status-${p.status}`}>
              <h2>{p.topicTitle && p.status !== 'deleted' ? <Link to={`/thread/${p.topicId}`}>{where}</Link> : where}</h2>
              <p className="hint">
                {p.groupName ?? 'A group that has closed'} · <time dateTime={p.createdAt}>{formatDateTime(p.createdAt)}</time>
              </p>
              <p>
                <span className="badge status-word">{status.word}</span> <span className="status-note">{status.note}</span>
              </p>
              {p.body ? <p className="preserve">{p.body.length > 280 ? `${p.body.slice(0, 280)}…` : p.body}</p> : null}
            </li>
          );
        })}
      </ul>
      <MoreButton list={posts} what="posts" />
    </>
  );
}

/** Change the password: the current one first. Every other browser signed in to the account is signed out. */
function ChangePassword() {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [state, setState] = useState<{ busy?: boolean; done?: boolean; error?: unknown }>({});
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setState({ busy: true });
    try {
      await ok(client.POST('/me/password', { body: { currentPassword, newPassword } }));
      setCurrent('');
      setNew('');
      setState({ done: true });
    } catch (e) {
      setState({ error: e });
    }
  };
  return (
    <section aria-labelledby="password-title">
      <h2 id="password-title">Change password</h2>
      <p>Changing it signs you out everywhere else. We will send a mail to say it changed.</p>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={state.error} fields={['currentPassword', 'newPassword']} />
        {state.done ? <Status>Your password is changed. Other browsers have been signed out.</Status> : null}
        <Field
          label="Current password"
          type="password"
          autoComplete="current-password"
          value={currentPassword}
          onChange={setCurrent}
          required
          error={fieldError(state.error, 'currentPassword')}
        />
        <Field
          label="New password"
          hint="At least 12 characters. A few words strung together is easy to remember and hard to guess."
          type="password"
          autoComplete="new-password"
          value={newPassword}
          onChange={setNew}
          required
          error={fieldError(state.error, 'newPassword')}
        />
        <button type="submit" disabled={state.busy}>
          {state.busy ? 'Changing…' : 'Change my password'}
        </button>
      </form>
    </section>
  );
}

/** Change the email address: it changes only when the new address follows the link we mail it. */
function ChangeEmail() {
  const [newEmail, setNewEmail] = useState('');
  const [password, setPassword] = useState('');
  const [state, setState] = useState<{ busy?: boolean; sentTo?: string; error?: unknown }>({});
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setState({ busy: true });
    try {
      await ok(client.POST('/me/email', { body: { password, newEmail } }));
      setPassword('');
      setState({ sentTo: newEmail });
    } catch (e) {
      setState({ error: e });
    }
  };
  return (
    <section aria-labelledby="email-title">
      <h2 id="email-title">Change email address</h2>
      <p>We will send a link to the new address. Your account moves to it only when you follow that link. We will also tell your current address.</p>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={state.error} fields={['newEmail', 'password']} />
        {state.sentTo ? (
          <Status>
            Check your email: we have sent a link to <strong>{state.sentTo}</strong>.
          </Status>
        ) : null}
        <Field
          label="New email address"
          type="email"
          autoComplete="email"
          value={newEmail}
          onChange={setNewEmail}
          required
          error={fieldError(state.error, 'newEmail')}
        />
        <Field
          label="Password, to confirm it is you"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
          required
          error={fieldError(state.error, 'password')}
        />
        <button type="submit" disabled={state.busy}>
          {state.busy ? 'Sending…' : 'Send me a link'}
        </button>
      </form>
    </section>
  );
}

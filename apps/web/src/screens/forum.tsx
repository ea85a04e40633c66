import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, formatDateTime, formatTime, items, type Agreement, type Notice, type Post, type Topic } from '../api';
import { Link, useRouter } from '../router';
import { useSession } from '../session';
import { ErrorMessage, Field, Loading, MoreButton, PageTitle, Select, useAnnounce, useLoad, usePagedList } from '../ui';
import { ResourceList } from './resources';

const REACTIONS: Array<[string, string]> = [
  ['support', 'Support'],
  ['me-too', 'Me too'],
  ['thanks', 'Thanks'],
  ['hug', 'Hug'],
];

/** Sends people to the agreement when the API says a new version must be accepted first. */
export function useAgreementRedirect(error: unknown, groupId: string | undefined) {
  const { navigate } = useRouter();
  useEffect(() => {
    if (groupId && error instanceof ApiError && error.code === 'AGREEMENT_REQUIRED') navigate(`/community/${groupId}/agreement?changed=1`);
  }, [error, groupId, navigate]);
}

const clauseName = (agreement: Agreement | undefined, key: string | null | undefined) => {
  const clause = agreement?.clauses.find((c) => c.key === key);
  return clause ? `“${clause.title}”` : `“${key ?? 'unknown'}”`;
};

/**
 * Follows a post the person just wrote: checking…, then published, held (with when a supporter will
 * have looked), or not published (with the clause). Keeps watching a held post until it is decided.
 */
export function PostProgress({
  postId,
  groupId,
  onPublished,
  onStatus,
}: {
  postId: string;
  groupId: string;
  onPublished?: () => void;
  onStatus?: (status: string) => void;
}) {
  const [post, setPost] = useState<Post>();
  const [rejection, setRejection] = useState<Notice>();
  const [agreement, setAgreement] = useState<Agreement>();
  const announce = useAnnounce();
  const lastStatus = useRef<string>('');

  useEffect(() => {
    let stop = false;
    let timer: number | undefined;
    const started = Date.now();
    const poll = async () => {
      try {
        const current = await api<Post>('GET', `/posts/${postId}`);
        if (stop) return;
        setPost(current);
        if (current.status !== lastStatus.current) {
          lastStatus.current = current.status;
          onStatus?.(current.status);
          if (current.status === 'published') {
            announce('Your post is published.');
            onPublished?.();
          } else if (current.status === 'held') announce(`Your post is held. A supporter will look by ${formatTime(current.reviewDueAt)}.`);
          else if (current.status === 'rejected') {
            const [notices, agreementNow] = await Promise.all([
              api('GET', '/me/notices').catch(() => []),
              api<Agreement>('GET', `/groups/${groupId}/agreement`).catch(() => undefined),
            ]);
            const notice = items<Notice>(notices).find((n) => n.subjectId === postId && n.kind === 'rejection');
            setRejection(notice);
            setAgreement(agreementNow);
            announce(`Your post was not published because of clause ${clauseName(agreementNow, notice?.clauseKey)}.`, true);
          }
        }
        const wait = current.status === 'screening' ? 700 : current.status === 'held' ? 3000 : 0;
        if (wait && Date.now() - started < 30 * 60_000) timer = window.setTimeout(poll, wait);
      } catch {
        if (!stop) timer = window.setTimeout(poll, 3000);
      }
    };
    void poll();
    return () => {
      stop = true;
      window.clearTimeout(timer);
    };
    // onPublished and announce are stable enough; re-running would restart the watch.
  }, [postId, groupId]);

  const status = post?.status ?? 'screening';
  return (
    <div className={`post-progress status-${status}`} data-testid="post-progress" data-status={status}>
      {status === 'screening' ? <p>Checking…</p> : null}
      {status === 'published' ? <p>Published.</p> : null}
      {status === 'held' ? <p>Held — a supporter will look by {post?.reviewDueAt ? formatTime(post.reviewDueAt) : 'soon'}.</p> : null}
      {status === 'rejected' ? (
        <p>
          Not published because of clause {clauseName(agreement, rejection?.clauseKey)}.{rejection?.message ? ` ${rejection.message}` : ''}{' '}
          <Link to="/my/notices">See your notices</Link> if you want to appeal.
        </p>
      ) : null}
      {status === 'removed' || status === 'hidden' ? <p>This post is not visible to others at the moment.</p> : null}
      {post?.signposting && post.signposting.length > 0 ? (
        <section className="crisis-box" aria-labelledby={`crisis-${postId}`}>
          <h3 id={`crisis-${postId}`}>You don’t have to deal with this alone</h3>
          <p>
            It sounds like things are really hard right now. A supporter will read your post soon. If you need someone now, these people can help at any time:
          </p>
          <ResourceList resources={post.signposting} />
        </section>
      ) : null}
    </div>
  );
}

export function NewTopic({ groupId }: { groupId: string }) {
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [contentWarning, setContentWarning] = useState('');
  const [error, setError] = useState<unknown>();
  const [sent, setSent] = useState<{ id: string; topicId: string }>();
  const [sentStatus, setSentStatus] = useState('screening');
  const [busy, setBusy] = useState(false);
  useAgreementRedirect(error, groupId);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const payload: Record<string, string> = { title, body };
      if (contentWarning.trim()) payload.contentWarning = contentWarning.trim();
      setSent(await api<{ id: string; topicId: string }>('POST', `/groups/${groupId}/topics`, payload));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle>Start a topic</PageTitle>
      {sent ? (
        <>
          <PostProgress postId={sent.id} groupId={groupId} onStatus={setSentStatus} />
          <p>
            {sentStatus === 'rejected' ? null : (
              <>
                <Link to={`/thread/${sent.topicId}`}>Go to your topic</Link> ·{' '}
              </>
            )}
            <Link to={`/community/${groupId}`}>Back to topics</Link>
          </p>
        </>
      ) : (
        <form onSubmit={submit} noValidate>
          <p>Everything is checked before others see it. Share your own experience; treatment decisions belong with your own clinical team.</p>
          <ErrorMessage error={error} />
          <Field label="Title" value={title} onChange={setTitle} required />
          <Field label="Your post" multiline rows={8} value={body} onChange={setBody} required />
          <Field
            label="Content warning"
            hint="If your post talks about something others may find upsetting, say what in a few words. It will be hidden until someone chooses to read it."
            value={contentWarning}
            onChange={setContentWarning}
          />
          <button type="submit" disabled={busy}>
            {busy ? 'Sending…' : 'Post topic'}
          </button>
        </form>
      )}
    </>
  );
}

function ReportForm({ path, agreement, onDone }: { path: string; agreement: Agreement | undefined; onDone: () => void }) {
  const [clauseKey, setClauseKey] = useState(agreement?.clauses[0]?.key ?? '');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const payload: Record<string, string> = { clauseKey };
      if (note.trim()) payload.note = note.trim();
      await api('POST', path, payload);
      setDone(true);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 409 ? new Error('You have already reported this.') : e);
    }
  };
  if (done)
    return (
      <div role="status" className="message info">
        <p>Thank you. A supporter will look at your report.</p>
        <button type="button" className="secondary small" onClick={onDone}>
          Close
        </button>
      </div>
    );
  return (
    <form onSubmit={submit} className="report-form" noValidate>
      <ErrorMessage error={error} />
      <Select
        label="Which part of the agreement does this go against?"
        value={clauseKey}
        onChange={setClauseKey}
        options={(agreement?.clauses ?? []).map((c) => [c.key, c.title])}
      />
      <Field label="Anything a supporter should know" multiline rows={2} value={note} onChange={setNote} />
      <button type="submit">Send report</button>{' '}
      <button type="button" className="secondary" onClick={onDone}>
        Cancel
      </button>
    </form>
  );
}

/** Changes the words of a post its author wrote; the new words are checked again before others see them. */
function EditForm({ post, onSaved, onCancel }: { post: Post; onSaved: () => void; onCancel: () => void }) {
  const [body, setBody] = useState(post.body);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useAgreementRedirect(error, post.groupId);
  // Opened by a button that goes away: the focus goes on to the words being edited.
  useEffect(() => {
    form.current?.querySelector('textarea')?.focus();
  }, []);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api('PATCH', `/posts/${post.id}`, { body });
      onSaved();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} className="edit-form" ref={form} noValidate>
      <ErrorMessage error={error} />
      <Field label="Your post" hint="Your changes are checked again before others see them." multiline rows={5} value={body} onChange={setBody} required />
      <button type="submit" disabled={busy}>
        {busy ? 'Saving…' : 'Save changes'}
      </button>{' '}
      <button type="button" className="secondary" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}

function PostView({
  post,
  agreement,
  onChange,
  onReply,
  repliesTo,
}: {
  post: Post;
  agreement: Agreement | undefined;
  onChange: () => void;
  onReply: (post: Post) => void;
  repliesTo?: Post;
}) {
  const { me } = useSession();
  const [reporting, setReporting] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [editing, setEditing] = useState(false);
  // Counts the edits sent from here: each one is followed until screening has decided on it.
  const [edits, setEdits] = useState(0);
  const [rechecking, setRechecking] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const announce = useAnnounce();
  const [error, setError] = useState<unknown>();
  const counts = (post.reactions ?? {}) as Record<string, number>;
  const mine = new Set(post.myReactions ?? []);
  const own = post.author?.id === me?.id;
  const toggle = async (kind: string) => {
    try {
      await api(mine.has(kind) ? 'DELETE' : 'PUT', `/posts/${post.id}/reactions/${kind}`);
      onChange();
    } catch (e) {
      setError(e);
    }
  };
  const remove = async () => {
    try {
      await api('DELETE', `/posts/${post.id}`);
      onChange();
    } catch (e) {
      setError(e);
    }
  };
  const closeEdit = () => {
    setEditing(false);
    // The Edit button comes back in place of the form: the focus returns to it.
    window.setTimeout(() => editButton.current?.focus(), 0);
  };
  const edited = () => {
    setEdits((n) => n + 1);
    setRechecking(true);
    announce('Your changes are saved. They are checked before others see them.');
    closeEdit();
    onChange();
  };
  const editable = own && !['deleted', 'removed', 'rejected'].includes(post.status);
  if (post.status === 'deleted') return <article className="post removed">This post was deleted by its author.</article>;
  if (post.status === 'removed' && !own) return <article className="post removed">This post was removed by a supporter.</article>;
  return (
    <article className="post" aria-labelledby={`post-${post.id}-by`}>
      <header>
        <p id={`post-${post.id}-by`} className="post-author">
          {post.author?.displayName ?? 'Former member'}
          {own ? ' (you)' : ''}
        </p>
        <p className="hint">
          <time dateTime={post.createdAt}>{formatDateTime(post.createdAt)}</time>
          {post.editedAt ? ' · edited' : ''}
        </p>
      </header>
      {repliesTo ? <p className="hint">In reply to {repliesTo.author?.displayName ?? 'a former member'}</p> : null}
      {editing ? <EditForm post={post} onSaved={edited} onCancel={closeEdit} /> : <p className="post-body preserve">{post.body}</p>}
      {own && (post.status !== 'published' || rechecking) ? (
        <PostProgress
          key={edits}
          postId={post.id}
          groupId={post.groupId}
          onPublished={() => {
            setRechecking(false);
            onChange();
          }}
        />
      ) : null}
      {post.status === 'published' ? (
        <div className="reactions" role="group" aria-label="Reactions">
          {REACTIONS.map(([kind, label]) => (
            <button key={kind} type="button" className="reaction" aria-pressed={mine.has(kind)} onClick={() => void toggle(kind)}>
              {label} <span aria-hidden="true">·</span> <span>{counts[kind] ?? 0}</span>
            </button>
          ))}
          <button type="button" className="link-button" onClick={() => onReply(post)}>
            Reply<span className="visually-hidden"> to {post.author?.displayName ?? 'a former member'}</span>
          </button>
          {!own ? (
            <button type="button" className="link-button" aria-expanded={reporting} onClick={() => setReporting((r) => !r)}>
              Report<span className="visually-hidden"> this post by {post.author?.displayName ?? 'a former member'}</span>
            </button>
          ) : null}
        </div>
      ) : null}
      {own && post.status !== 'removed' ? (
        <p>
          {confirmDelete ? (
            <>
              <span>Delete this post for good? </span>
              <button type="button" className="danger small" onClick={() => void remove()}>
                Yes, delete it
              </button>
              <button type="button" className="secondary small" onClick={() => setConfirmDelete(false)}>
                Keep it
              </button>
            </>
          ) : (
            <>
              {editable && !editing ? (
                <button type="button" className="link-button" ref={editButton} onClick={() => setEditing(true)}>
                  Edit<span className="visually-hidden"> your post</span>
                </button>
              ) : null}
              <button type="button" className="link-button" onClick={() => setConfirmDelete(true)}>
                Delete<span className="visually-hidden"> your post</span>
              </button>
            </>
          )}
        </p>
      ) : null}
      <ErrorMessage error={error} />
      {reporting ? <ReportForm path={`/posts/${post.id}/reports`} agreement={agreement} onDone={() => setReporting(false)} /> : null}
    </article>
  );
}

export function Thread({ topicId, onGroup }: { topicId: string; onGroup: (groupId: string) => void }) {
  const topic = useLoad(() => api<Topic>('GET', `/topics/${topicId}`), [topicId]);
  const groupId = topic.data?.groupId;
  const posts = usePagedList<Post>(`/topics/${topicId}/posts?limit=100`);
  const agreement = useLoad(async () => (groupId ? api<Agreement>('GET', `/groups/${groupId}/agreement`) : undefined), [groupId]);
  const [reply, setReply] = useState('');
  const [replyTo, setReplyTo] = useState<Post>();
  const [sent, setSent] = useState<string[]>([]);
  const [error, setError] = useState<unknown>();
  const [showWarned, setShowWarned] = useState(false);
  useAgreementRedirect(topic.error ?? posts.error ?? error, groupId);
  useEffect(() => {
    if (groupId) onGroup(groupId);
  }, [groupId, onGroup]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const answer = await api<{ id: string }>('POST', `/topics/${topicId}/posts`, replyTo ? { body: reply, replyToPostId: replyTo.id } : { body: reply });
      setSent((s) => [...s, answer.id]);
      setReply('');
      setReplyTo(undefined);
      posts.reload();
    } catch (e) {
      setError(e);
    }
  };

  const t = topic.data;
  const warned = Boolean(t?.contentWarning) && !showWarned;
  return (
    <>
      <PageTitle>{t ? t.title : 'Topic'}</PageTitle>
      {topic.loading ? <Loading /> : null}
      <ErrorMessage error={topic.error} />
      {t ? (
        <p>
          <Link to={`/community/${t.groupId}`}>Back to topics</Link>
        </p>
      ) : null}
      {t?.contentWarning ? (
        <p className="content-warning">
          Content warning: {t.contentWarning}{' '}
          <button type="button" className="secondary small" aria-expanded={!warned} onClick={() => setShowWarned((v) => !v)}>
            {warned ? 'Show the posts' : 'Hide the posts'}
          </button>
        </p>
      ) : null}
      {!warned ? (
        <section aria-label="Posts">
          {posts.loading && !posts.data ? <Loading what="Loading posts" /> : null}
          {posts.data?.map((p) => (
            <PostView
              key={p.id}
              post={p}
              agreement={agreement.data}
              onChange={posts.reload}
              repliesTo={p.replyToPostId ? posts.data?.find((q) => q.id === p.replyToPostId) : undefined}
              onReply={(target) => {
                setReplyTo(target);
                document.getElementById('reply-title')?.scrollIntoView();
                window.setTimeout(() => document.querySelector<HTMLTextAreaElement>('.reply-form textarea')?.focus(), 0);
              }}
            />
          ))}
          <MoreButton list={posts} what="posts" />
        </section>
      ) : null}
      {sent
        .filter((id) => !posts.data?.some((p) => p.id === id))
        .map((id) => (groupId ? <PostProgress key={id} postId={id} groupId={groupId} onPublished={posts.reload} /> : null))}
      {t ? (
        <form onSubmit={submit} className="reply-form" noValidate>
          <h2 id="reply-title">Reply</h2>
          {replyTo ? (
            <p>
              Replying to {replyTo.author?.displayName ?? 'a former member'}.{' '}
              <button type="button" className="link-button" onClick={() => setReplyTo(undefined)}>
                Reply to the whole topic instead
              </button>
            </p>
          ) : null}
          <ErrorMessage error={error} />
          <Field label="Your reply" multiline rows={5} value={reply} onChange={setReply} required />
          <button type="submit">Send reply</button>
        </form>
      ) : null}
    </>
  );
}

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useEffectEvent, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError, client, formatDateTime, formatTime, ok, type Schema, type Agreement, type Notice, type Post, type Topic } from '../api';
import { followForum, type ForumChange } from '../chat-socket';
import { useAgreement, usePaged, useTopic } from '../queries';
import { isSupporterOf, useSession } from '../session';
import { ErrorMessage, Field, LoadError, Loading, MoreButton, PageTitle, Select, Status, useAnnounce } from '../ui';
import { MentionField } from '../mentions';
import { ResourceList } from './resources';
import { SupporterTools } from './supporter-tools';

type ReactionKind = Post['myReactions'][number];

const REACTIONS: Array<[ReactionKind, string]> = [
  ['support', 'Support'],
  ['me-too', 'Me too'],
  ['thanks', 'Thanks'],
  ['hug', 'Hug'],
];

/** Sends people to the agreement when the API says a new version must be accepted first. */
export function useAgreementRedirect(error: unknown, groupId: string | undefined) {
  const navigate = useNavigate();
  useEffect(() => {
    if (groupId && error instanceof ApiError && error.code === 'AGREEMENT_REQUIRED') navigate(`/community/${groupId}/agreement?changed=1`);
  }, [error, groupId, navigate]);
}

const clauseName = (agreement: Agreement | undefined, key: string | null | undefined) => {
  const clause = agreement?.clauses.find((c) => c.key === key);
  return clause ? `“${clause.title}”` : 'in the group agreement';
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
  const announce = useAnnounce();
  // Each watch asks afresh: an earlier answer about this post (before an edit) must not be taken for this one.
  const [watch] = useState(() => ({ id: crypto.randomUUID(), started: Date.now() }));
  const current = useQuery({
    queryKey: ['post', postId, watch.id],
    queryFn: () => ok(client.GET('/posts/{postId}', { params: { path: { postId } } })),
    gcTime: 0,
    // Checking takes a moment, a supporter longer: keep asking until it is decided (for at most 30 minutes).
    refetchInterval: (query) => {
      if (Date.now() - watch.started > 30 * 60_000) return false;
      if (query.state.status === 'error') return 3000;
      const now = query.state.data?.status;
      return now === undefined || now === 'screening' ? 700 : now === 'held' ? 3000 : false;
    },
  });
  const post = current.data;
  const rejected = post?.status === 'rejected';
  const notices = useQuery({
    queryKey: ['notices', 'about', postId],
    queryFn: async (): Promise<Notice[]> => (await ok(client.GET('/me/notices')).catch(() => ({ items: [] }))).items,
    enabled: rejected,
  });
  const agreement = useAgreement(groupId, rejected);
  const rejection = rejected ? notices.data?.find((n) => n.subjectId === postId && n.kind === 'rejection') : undefined;
  const explained = rejected && !notices.isPending && !agreement.isPending;

  const lastStatus = useRef('');
  const changed = useEffectEvent((now: Post) => {
    onStatus?.(now.status);
    if (now.status === 'published') {
      announce('Your post is published.');
      onPublished?.();
    } else if (now.status === 'held') announce(`Your post is held. ${heldPromise(now)}`);
  });
  useEffect(() => {
    if (!post || post.status === lastStatus.current) return;
    lastStatus.current = post.status;
    changed(post);
  }, [post]);
  const announceRejection = useEffectEvent(() =>
    announce(`Your post was not published because of clause ${clauseName(agreement.data, rejection?.clauseKey)}.`, true),
  );
  useEffect(() => {
    if (explained) announceRejection();
  }, [explained]);

  const status = post?.status ?? 'screening';
  return (
    <div className={`post-progress status-${status}`} data-testid="post-progress" data-status={status}>
      {status === 'screening' ? <p>Checking…</p> : null}
      {status === 'published' ? <p>Published.</p> : null}
      {status === 'held' ? (
        post?.reviewPromise ? (
          <p className="review-promise">Held. {post.reviewPromise}</p>
        ) : (
          <p>Held — a supporter will look by {post?.reviewDueAt ? formatTime(post.reviewDueAt) : 'soon'}.</p>
        )
      ) : null}
      {status === 'rejected' ? (
        <p>
          Not published because of clause {clauseName(agreement.data, rejection?.clauseKey)}.{rejection?.message ? ` ${rejection.message}` : ''}{' '}
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

/** When a held post will be looked at: the deadline on cover, or when supporters are next on while none is. */
function heldPromise(post: Post): string {
  if (post.reviewPromise) return post.reviewPromise;
  return post.reviewDueAt ? `A supporter will look by ${formatTime(post.reviewDueAt)}.` : 'A supporter will look soon.';
}

export function NewTopic({ groupId }: { groupId: string }) {
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [contentWarning, setContentWarning] = useState('');
  const [error, setError] = useState<unknown>();
  const [sent, setSent] = useState<Schema<'PostAcceptedView'>>();
  const [sentStatus, setSentStatus] = useState('screening');
  const [busy, setBusy] = useState(false);
  useAgreementRedirect(error, groupId);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const payload: Schema<'CreateTopicDto'> = { title, body };
      if (contentWarning.trim()) payload.contentWarning = contentWarning.trim();
      setSent(await ok(client.POST('/groups/{groupId}/topics', { params: { path: { groupId } }, body: payload })));
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
          <MentionField groupId={groupId} label="Your post" rows={8} value={body} onChange={setBody} required />
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

function ReportForm({ postId, agreement, onDone }: { postId: string; agreement: Agreement | undefined; onDone: () => void }) {
  const [clauseKey, setClauseKey] = useState(agreement?.clauses[0]?.key ?? '');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await ok(client.POST('/posts/{postId}/reports', { params: { path: { postId } }, body: note.trim() ? { clauseKey, note: note.trim() } : { clauseKey } }));
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
      await ok(client.PATCH('/posts/{postId}', { params: { path: { postId: post.id } }, body: { body } }));
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
      <MentionField
        groupId={post.groupId}
        label="Your post"
        hint="Your changes are checked again before others see them."
        value={body}
        onChange={setBody}
        required
      />
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
  isNew,
}: {
  post: Post;
  agreement: Agreement | undefined;
  onChange: () => void;
  onReply: (post: Post) => void;
  repliesTo?: Post;
  /** Written since the reader's last visit. */
  isNew?: boolean;
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
  const counts = post.reactions;
  const mine = new Set(post.myReactions);
  const own = post.author?.id === me?.id;
  const toggle = async (kind: ReactionKind) => {
    try {
      const where = { params: { path: { postId: post.id, kind } } };
      await ok(mine.has(kind) ? client.DELETE('/posts/{postId}/reactions/{kind}', where) : client.PUT('/posts/{postId}/reactions/{kind}', where));
      onChange();
    } catch (e) {
      setError(e);
    }
  };
  const remove = async () => {
    try {
      await ok(client.DELETE('/posts/{postId}', { params: { path: { postId: post.id } } }));
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
    <article className={`post${isNew ? ' unread' : ''}`} aria-labelledby={`post-${post.id}-by`} data-post-id={post.id} tabIndex={-1}>
      <header>
        <p id={`post-${post.id}-by`} className="post-author">
          {isNew ? (
            <>
              <span className="badge new">New</span>{' '}
            </>
          ) : null}
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
      {reporting ? <ReportForm postId={post.id} agreement={agreement} onDone={() => setReporting(false)} /> : null}
      {!own && post.status === 'published' && isSupporterOf(me, post.groupId) ? (
        <SupporterTools
          groupId={post.groupId}
          subject={{ type: 'post', id: post.id }}
          author={post.author ?? { id: null, displayName: 'Former member' }}
          agreement={agreement}
          onDone={onChange}
        />
      ) : null}
    </article>
  );
}

/** "Pinned", "Pinned: welcome", "Pinned: introductions". */
export function pinLabel(role: Topic['pinRole'] | undefined): string {
  if (role === 'welcome') return 'Pinned: welcome';
  if (role === 'introductions') return 'Pinned: introductions';
  return 'Pinned';
}

/** For the group's supporters and admins: keep the topic at the top of the list, or as the welcome topic or introductions thread. */
function PinTools({ topic }: { topic: Topic }) {
  const cache = useQueryClient();
  const announce = useAnnounce();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const set = async (pinned: boolean, role?: 'welcome' | 'introductions') => {
    setBusy(true);
    setError(undefined);
    try {
      await ok(client.PUT('/topics/{topicId}/pin', { params: { path: { topicId: topic.id } }, body: role ? { pinned, role } : { pinned } }));
      await cache.invalidateQueries({ queryKey: ['topic', topic.id] });
      await cache.invalidateQueries({ queryKey: ['topics', topic.groupId] });
      announce(
        !pinned
          ? 'Unpinned.'
          : role === 'welcome'
            ? 'Pinned as the welcome topic.'
            : role === 'introductions'
              ? 'Pinned as the introductions thread.'
              : 'Pinned.',
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="pin-tools" aria-label="Pin this topic">
      <ErrorMessage error={error} />
      {topic.pinned ? (
        <button type="button" className="secondary small" disabled={busy} onClick={() => void set(false)}>
          Unpin
        </button>
      ) : (
        <button type="button" className="secondary small" disabled={busy} onClick={() => void set(true)}>
          Pin to the top
        </button>
      )}{' '}
      {topic.pinRole !== 'welcome' ? (
        <button type="button" className="secondary small" disabled={busy} onClick={() => void set(true, 'welcome')}>
          Pin as the welcome topic
        </button>
      ) : null}{' '}
      {topic.pinRole !== 'introductions' ? (
        <button type="button" className="secondary small" disabled={busy} onClick={() => void set(true, 'introductions')}>
          Pin as the introductions thread
        </button>
      ) : null}
    </section>
  );
}

export function Thread({ topicId }: { topicId: string }) {
  const { me } = useSession();
  const [welcomeParam] = useSearchParams();
  const announce = useAnnounce();
  const cache = useQueryClient();
  const topic = useTopic(topicId);
  const groupId = topic.data?.groupId;
  const posts = usePaged(['posts', topicId], (cursor) =>
    ok(client.GET('/topics/{topicId}/posts', { params: { path: { topicId }, query: { limit: 100, cursor } } })),
  );
  const agreement = useAgreement(groupId);
  const [reply, setReply] = useState('');
  const [replyTo, setReplyTo] = useState<Post>();
  const [sent, setSent] = useState<string[]>([]);
  const [error, setError] = useState<unknown>();
  const [showWarned, setShowWarned] = useState(false);
  // Where the reader had read up to when they opened the thread: what is newer is marked "New" for this visit.
  const [readBefore, setReadBefore] = useState<{ at: number } | undefined>();
  // Replies published since the page was shown, waiting for the reader to ask for them (the page never moves by itself).
  const [arrived, setArrived] = useState<string[]>([]);
  const firstArrived = useRef<string | undefined>(undefined);
  useAgreementRedirect(topic.error ?? posts.error ?? error, groupId);

  // A first visit marks nothing: everything on the page is as new as everything else. Replies that come in while it is open are.
  // From a fresh read only: the cache may hold the topic as it was on an earlier visit, before that visit was recorded.
  if (topic.data && topic.isFetchedAfterMount && !topic.isFetching && !readBefore)
    setReadBefore({ at: Date.parse(topic.data.readAt ?? topic.data.lastActivityAt) });
  const isNew = (p: Post) => readBefore !== undefined && p.author?.id !== me?.id && Date.parse(p.createdAt) > readBefore.at;

  // Having shown the posts, the reader has read up to the topic's last activity as loaded.
  const lastActivityAt = topic.data?.lastActivityAt;
  const shownCount = posts.data?.length;
  useEffect(() => {
    if (!lastActivityAt || shownCount === undefined) return;
    void client.PUT('/topics/{topicId}/read', { params: { path: { topicId } }, body: { at: lastActivityAt } });
  }, [topicId, lastActivityAt, shownCount]);

  // Live: replies published by others wait behind a bar; a removal takes the post out of sight at once.
  const onPost = useEffectEvent((change: ForumChange) => {
    if (change.topicId !== topicId || change.opening) return;
    if (sent.includes(change.postId) || posts.data?.some((p) => p.id === change.postId)) return;
    setArrived((a) => {
      if (a.includes(change.postId)) return a;
      if (a.length === 0) announce('There is a new reply in this topic.');
      return [...a, change.postId];
    });
  });
  const onChanged = useEffectEvent((change: ForumChange) => {
    if (change.topicId === topicId) posts.reload();
  });
  useEffect(() => {
    if (!groupId) return undefined;
    return followForum(groupId, { onPost: (c) => onPost(c), onRemoved: (c) => onChanged(c), onMine: (c) => onChanged(c) });
  }, [groupId]);

  const showArrived = async () => {
    firstArrived.current = arrived[0];
    setArrived([]);
    posts.reload();
    await cache.invalidateQueries({ queryKey: ['topic', topicId] });
  };
  // Once the new replies are on the page, the first of them takes the focus (and the view), as a reader who asked for them expects.
  useEffect(() => {
    const id = firstArrived.current;
    if (!id) return;
    const target = document.querySelector<HTMLElement>(`[data-post-id="${id}"]`);
    if (!target) return;
    firstArrived.current = undefined;
    target.focus();
    target.scrollIntoView({ block: 'start' });
  }, [posts.data]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const answer = await ok(
        client.POST('/topics/{topicId}/posts', { params: { path: { topicId } }, body: replyTo ? { body: reply, replyToPostId: replyTo.id } : { body: reply } }),
      );
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
  const landed = welcomeParam.get('welcome') === '1' && t?.pinRole === 'welcome';
  return (
    <>
      <PageTitle>{t ? t.title : 'Topic'}</PageTitle>
      {topic.isPending ? <Loading /> : null}
      {topic.error ? <LoadError error={topic.error} what="this topic" /> : null}
      {t ? (
        <p>
          <Link to={`/community/${t.groupId}`}>Back to topics</Link>
        </p>
      ) : null}
      {t && landed ? (
        <Status>
          <p className="welcome-landing">
            Welcome to the group. This is where its supporters start new members; the other topics are a click away when you are ready:{' '}
            <Link to={`/community/${t.groupId}`}>all topics</Link>.
          </p>
        </Status>
      ) : null}
      {t?.pinned ? (
        <p>
          <span className="badge pinned">{pinLabel(t.pinRole)}</span>
        </p>
      ) : null}
      {t && t.status === 'published' && isSupporterOf(me, t.groupId) ? <PinTools topic={t} /> : null}
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
              isNew={isNew(p)}
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
      {arrived.length > 0 ? (
        <div className="new-replies" role="status">
          <p>
            {arrived.length === 1 ? 'There is a new reply.' : `There are ${arrived.length} new replies.`}{' '}
            <button type="button" onClick={() => void showArrived()}>
              Show {arrived.length === 1 ? 'it' : 'them'}
            </button>
          </p>
        </div>
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
          <MentionField groupId={groupId} label="Your reply" value={reply} onChange={setReply} required />
          <button type="submit">Send reply</button>
        </form>
      ) : null}
    </>
  );
}

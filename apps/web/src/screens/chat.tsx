import { useQuery } from '@tanstack/react-query';
import { useEffect, useEffectEvent, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link } from 'react-router';
import { ApiError, client, formatTime, ok, type Agreement, type ChatMessage, type Notice, type OnlineMember, type Problem } from '../api';
import { chatSocket, emitWithAck } from '../chat-socket';
import { BUNDLED_CRISIS_RESOURCES, isBundled } from '../crisis';
import { isSupporterOf, useSession } from '../session';
import { ErrorMessage, PageTitle, Select, useAnnounce } from '../ui';
import { useAgreementRedirect } from './forum';
import { useAgreement, useResources } from '../queries';
import { useMentions } from '../mentions';
import { ResourceList } from './resources';
import { SupporterTools } from './supporter-tools';

interface Line extends ChatMessage {
  state: 'sending' | 'screening' | 'published' | 'held' | 'rejected' | 'removed';
  /** Not sent: the clause it went against, when known. */
  clauseKey?: string | null;
}

/** How close to the end of the log still counts as reading the latest messages. */
const AT_BOTTOM_PX = 48;

const HELD_NOTE = 'Held: only you can see this until a supporter has read it.';

/** A line from history: the author's own unsent messages come back with their status. */
function fromHistory(m: ChatMessage): Line {
  return { ...m, state: m.status ?? 'published' };
}

function clauseTitle(agreement: Agreement | undefined, key: string | null | undefined): string | undefined {
  return agreement?.clauses.find((c) => c.key === key)?.title;
}

const ANNOUNCE_EVERY_MS = 5000;

/** What the screen says when the chat service takes the socket out of this group's room, by reason. */
const ACCESS_ENDED: Record<string, string> = {
  'session-expired': 'Your session has ended. Please sign in again to chat.',
  'session-ended': 'You were signed out. Please sign in again to chat.',
  'account-erased': 'This account has been deleted.',
  'membership-ended': 'You are no longer a member of this group, so the chat has stopped.',
  banned: 'You have been banned from this group, so the chat has stopped.',
  'agreement-required': 'Please read the group agreement and accept it to chat here.',
};

/** Why a message was not sent, by the clause's title (never its key), said once. */
export function rejectionNote(agreement: Agreement | undefined, clauseKey: string | null | undefined): string {
  const title = agreement?.clauses.find((c) => c.key === clauseKey)?.title;
  return title ? `Not sent: it goes against “${title}” in the group agreement.` : 'Not sent: it goes against the group agreement.';
}

export function Chat({ groupId }: { groupId: string }) {
  const { me } = useSession();
  const announce = useAnnounce();
  const agreement = useAgreement(groupId);
  const [lines, setLines] = useState<Line[]>([]);
  const [typing, setTyping] = useState<Record<string, number>>({});
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<unknown>();
  const [connected, setConnected] = useState(false);
  const [crisis, setCrisis] = useState(false);
  // The group's own crisis contacts, asked for only once someone's message shows they may need them.
  const groupResources = useResources(groupId, crisis);
  const [reporting, setReporting] = useState<string>();
  const [ended, setEnded] = useState<string>();
  const [mutedUntil, setMutedUntil] = useState<string>();
  // History has arrived: an empty log then means an empty room, not one still loading.
  const [joined, setJoined] = useState(false);
  // Who else is in the room now (members who turned that off are never listed).
  const [online, setOnline] = useState<OnlineMember[]>();
  // Following the conversation: while the reader is at the end of the log it moves with new messages; otherwise they are counted.
  const log = useRef<HTMLOListElement>(null);
  const draftField = useRef<HTMLTextAreaElement>(null);
  const atBottom = useRef(true);
  const seenCount = useRef(0);
  const [unseen, setUnseen] = useState(0);
  const lastTypingSent = useRef(0);
  const lastId = useRef<string | undefined>(undefined);
  const pendingAnnouncement = useRef<{ count: number; latest?: ChatMessage }>({ count: 0 });
  const lastAnnounced = useRef(0);
  const announceTimer = useRef<number | undefined>(undefined);
  useAgreementRedirect(error, groupId);
  const titleOf = useEffectEvent((key: string | null | undefined) => clauseTitle(agreement.data, key));

  // After a reload, the author's own held and refused messages come back from history: their notices say
  // which clause a refusal cited, and whether a held message showed someone may need help now.
  const ownUnsent = lines.filter((l) => l.author?.id === me?.id && (l.state === 'held' || (l.state === 'rejected' && l.clauseKey === undefined)));
  const notices = useQuery({
    queryKey: ['notices', 'chat', groupId],
    queryFn: async (): Promise<Notice[]> => (await ok(client.GET('/me/notices'))).items,
    enabled: ownUnsent.length > 0,
  });
  const aboutLine = (l: Line, kind: string) => notices.data?.find((n) => n.subjectId === l.id && n.kind === kind);
  const signposted = lines.some((l) => l.state === 'held' && aboutLine(l, 'signposting'));
  if (signposted && !crisis) setCrisis(true);

  // Follow the conversation: to the end when the reader was there (or sent the message), otherwise count what came in below.
  useLayoutEffect(() => {
    const el = log.current;
    const added = lines.length - seenCount.current;
    seenCount.current = lines.length;
    if (!el || added <= 0) return;
    const last = lines[lines.length - 1];
    if (atBottom.current || (last?.author?.id === me?.id && last.state === 'sending')) {
      el.scrollTop = el.scrollHeight;
      atBottom.current = true;
      setUnseen(0);
    } else setUnseen((n) => n + added);
  }, [lines, me?.id]);
  const onLogScroll = () => {
    const el = log.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < AT_BOTTOM_PX;
    if (atBottom.current) setUnseen(0);
  };
  const toLatest = () => {
    const el = log.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    atBottom.current = true;
    setUnseen(0);
    // The button goes away: the reader, caught up, is where they would reply.
    document.getElementById('chat-draft')?.focus();
  };

  // Announce new messages politely: at most one announcement every few seconds, naming the latest.
  const queueAnnouncement = useEffectEvent((message: ChatMessage) => {
    if (message.author?.id === me?.id) return;
    pendingAnnouncement.current = { count: pendingAnnouncement.current.count + 1, latest: message };
    if (announceTimer.current) return;
    const wait = Math.max(0, lastAnnounced.current + ANNOUNCE_EVERY_MS - Date.now());
    announceTimer.current = window.setTimeout(() => {
      const { count, latest } = pendingAnnouncement.current;
      pendingAnnouncement.current = { count: 0 };
      announceTimer.current = undefined;
      lastAnnounced.current = Date.now();
      if (latest) announce(`${count > 1 ? `${count} new messages. Latest: ` : ''}${latest.author?.displayName ?? 'Former member'} says: ${latest.body}`);
    }, wait);
  });

  useEffect(() => {
    const socket = chatSocket();
    if (!socket) return;
    let live = true;
    const join = async () => {
      const ack = await emitWithAck('chat:join', lastId.current ? { groupId, after: lastId.current } : { groupId });
      if (!live) return;
      if (!ack.ok) {
        setError(new ApiError({ status: 403, code: ack.error?.code as Problem['code'], detail: ack.error?.message }));
        return;
      }
      setError(undefined);
      const history = (ack.history as ChatMessage[] | undefined) ?? [];
      setLines((current) => {
        const known = new Set(current.map((l) => l.id));
        return [...current, ...history.filter((m) => !known.has(m.id)).map(fromHistory)];
      });
      setJoined(true);
      // The room's list as it is now; `chat:presence` keeps it current from here.
      void ok(client.GET('/groups/{groupId}/online', { params: { path: { groupId } } }))
        .then((list) => {
          if (live) setOnline((current) => current ?? list);
        })
        .catch(() => undefined);
      // Catching up goes on from the last message the room saw: the author's own unsent ones are not in its stream.
      const published = history.filter((m) => !m.status);
      if (published.length) lastId.current = published[published.length - 1].id;
    };
    const onConnect = () => {
      setConnected(true);
      void join();
    };
    const onDisconnect = () => setConnected(false);
    const onConnectError = (err: Error) => {
      setConnected(false);
      setError(
        new Error(
          err.message === 'UNAUTHENTICATED'
            ? 'Your session has ended. Please sign in again to chat.'
            : 'We cannot reach the chat just now. We will keep trying.',
        ),
      );
    };
    const onMessage = (m: ChatMessage) => {
      if (m.groupId !== groupId) return;
      lastId.current = m.id;
      setLines((current) => {
        const mineIndex = current.findIndex((l) => (m.clientMsgId && l.clientMsgId === m.clientMsgId) || l.id === m.id);
        if (mineIndex >= 0) return current.map((l, i) => (i === mineIndex ? { ...l, ...m, state: 'published' } : l));
        return [...current, { ...m, state: 'published' }];
      });
      setTyping((t) => {
        const next = { ...t };
        delete next[m.author?.displayName ?? ''];
        return next;
      });
      queueAnnouncement(m);
    };
    const onHeld = (e: { id: string; groupId: string; clientMsgId: string; reasons?: Array<{ source: string }> }) => {
      if (e.groupId !== groupId) return;
      const isCrisis = Boolean(e.reasons?.some((r) => r.source === 'crisis'));
      setLines((current) => current.map((l) => (l.clientMsgId === e.clientMsgId ? { ...l, id: e.id, state: 'held' } : l)));
      if (isCrisis) {
        setCrisis(true);
        announce('Your message is waiting for a supporter. If you need help now, crisis contacts are shown below the chat.', true);
      } else announce('Your message is held for a supporter to read.');
    };
    const onRejected = (e: { id: string; groupId: string; clientMsgId: string; clauseKey: string; message: string }) => {
      if (e.groupId !== groupId) return;
      setLines((current) => current.map((l) => (l.clientMsgId === e.clientMsgId ? { ...l, id: e.id, state: 'rejected', clauseKey: e.clauseKey } : l)));
      const title = titleOf(e.clauseKey);
      announce(`Your message was not sent${title ? `: it goes against “${title}” in the group agreement` : ''}.`, true);
    };
    const onRemoved = (e: { id: string; groupId: string }) => {
      if (e.groupId !== groupId) return;
      setLines((current) => current.map((l) => (l.id === e.id ? { ...l, body: '', state: 'removed' } : l)));
    };
    const onPresence = (e: { groupId: string; online: OnlineMember[] }) => {
      if (e.groupId === groupId) setOnline(e.online);
    };
    const onAccessEnded = (e: { groupId: string; reason: string; version?: number }) => {
      if (e.groupId !== groupId) return;
      setConnected(false);
      setOnline(undefined);
      setEnded(ACCESS_ENDED[e.reason] ?? 'The chat has stopped for you.');
      // A new agreement: the usual redirect to the agreement page follows the same code as REST.
      if (e.reason === 'agreement-required') setError(new ApiError({ status: 403, code: 'AGREEMENT_REQUIRED', detail: ACCESS_ENDED[e.reason] }));
    };
    const onSessionEnded = (e: { reason: string }) => setEnded(ACCESS_ENDED[e.reason] ?? ACCESS_ENDED['session-ended']);
    const onMuted = (e: { groupId: string; until: string }) => {
      if (e.groupId === groupId) setMutedUntil(e.until);
    };
    const onUnmuted = (e: { groupId: string }) => {
      if (e.groupId === groupId) setMutedUntil(undefined);
    };
    const onTyping = (e: { groupId: string; user: { displayName: string } }) => {
      if (e.groupId !== groupId || !e.user) return;
      setTyping((t) => ({ ...t, [e.user.displayName]: Date.now() }));
    };
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    socket.on('connect_error', onConnectError);
    socket.on('chat:message', onMessage);
    socket.on('chat:held', onHeld);
    socket.on('chat:rejected', onRejected);
    socket.on('chat:removed', onRemoved);
    socket.on('chat:typing', onTyping);
    socket.on('chat:presence', onPresence);
    socket.on('chat:access-ended', onAccessEnded);
    socket.on('auth:session-ended', onSessionEnded);
    socket.on('chat:muted', onMuted);
    socket.on('chat:unmuted', onUnmuted);
    if (socket.connected) onConnect();
    return () => {
      live = false;
      void emitWithAck('chat:leave', { groupId }, 2000);
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.off('connect_error', onConnectError);
      socket.off('chat:message', onMessage);
      socket.off('chat:held', onHeld);
      socket.off('chat:rejected', onRejected);
      socket.off('chat:removed', onRemoved);
      socket.off('chat:typing', onTyping);
      socket.off('chat:presence', onPresence);
      socket.off('chat:access-ended', onAccessEnded);
      socket.off('auth:session-ended', onSessionEnded);
      socket.off('chat:muted', onMuted);
      socket.off('chat:unmuted', onUnmuted);
      window.clearTimeout(announceTimer.current);
      announceTimer.current = undefined;
    };
  }, [groupId, announce]);

  // Typing indicators fade after a few seconds without news.
  useEffect(() => {
    const timer = window.setInterval(() => {
      setTyping((t) => Object.fromEntries(Object.entries(t).filter(([, at]) => Date.now() - at < 4000)));
    }, 1000);
    return () => window.clearInterval(timer);
  }, []);

  const send = async (event?: FormEvent) => {
    event?.preventDefault();
    const body = draft.trim();
    if (!body) return;
    const clientMsgId = crypto.randomUUID();
    setDraft('');
    setLines((current) => [
      ...current,
      {
        id: clientMsgId,
        clientMsgId,
        groupId,
        author: { id: me?.id ?? null, displayName: me?.displayName ?? '' },
        body,
        createdAt: new Date().toISOString(),
        state: 'sending',
      },
    ]);
    const ack = await emitWithAck('chat:send', { groupId, body, clientMsgId });
    if (!ack.ok) {
      setLines((current) => current.filter((l) => l.clientMsgId !== clientMsgId));
      setDraft(body);
      // A mute is said next to the message box, where the person is looking, not at the top of the page.
      const until = (ack.error as { until?: string } | undefined)?.until;
      if (ack.error?.code === 'MUTED' && until) {
        setMutedUntil(until);
        announce(`You are muted in this group until ${formatTime(until)}. Your message was not sent.`, true);
        return;
      }
      setError(new ApiError({ status: 400, code: ack.error?.code as Problem['code'], detail: ack.error?.message ?? 'Your message was not sent.' }));
      return;
    }
    setError(undefined);
    setLines((current) =>
      current.map((l) => (l.clientMsgId === clientMsgId && l.state === 'sending' ? { ...l, id: String(ack.id ?? l.id), state: 'screening' } : l)),
    );
  };

  const onDraft = (value: string) => {
    setDraft(value);
    if (Date.now() - lastTypingSent.current > 3000 && value) {
      lastTypingSent.current = Date.now();
      void emitWithAck('chat:typing', { groupId }, 3000);
    }
  };

  const mentions = useMentions(groupId, draft, onDraft, draftField);
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // With suggestions open, Enter picks a name rather than sending.
    if (mentions.onKeyDown(event)) return;
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      void send();
    }
  };

  const typists = Object.keys(typing);
  return (
    <>
      <PageTitle>Group chat</PageTitle>
      <p className="hint" role="status">
        {connected ? 'Connected.' : 'Connecting…'} Messages are checked before others see them.
      </p>
      {online && !ended ? (
        <section className="online-now" aria-labelledby="online-title">
          <h2 id="online-title">Online now</h2>
          {online.filter((m) => m.id !== me?.id).length === 0 ? (
            <p className="hint">Nobody else is shown as online just now.</p>
          ) : (
            <ul aria-label="Members in the chat now">
              {online.map((m) => (
                <li key={m.id}>{m.id === me?.id ? `${m.displayName} (you)` : m.displayName}</li>
              ))}
            </ul>
          )}
          <p className="hint">
            Whether others see you here is up to you: <Link to="/my/account#online-title">change it in your account</Link>.
          </p>
        </section>
      ) : null}
      <ErrorMessage error={error} />
      {ended ? (
        <p className="notice" role="alert">
          {ended}
        </p>
      ) : null}
      {crisis ? (
        <section className="crisis-box" aria-labelledby="chat-crisis">
          <h2 id="chat-crisis">You don’t have to deal with this alone</h2>
          <p>A supporter will read your message soon. If you need someone now, these people can help at any time:</p>
          <ResourceList resources={[...BUNDLED_CRISIS_RESOURCES, ...(groupResources.data ?? []).filter((r) => !isBundled(r))]} />
        </section>
      ) : null}
      {joined && lines.length === 0 ? <p className="empty-room">No messages yet. You could say hello: everyone here knows what it is like.</p> : null}
      {/* The log scrolls on its own: once it holds messages it takes the keyboard focus too, so it can be scrolled without a mouse. */}
      <ol className="chat-log" aria-label="Chat messages" ref={log} onScroll={onLogScroll} tabIndex={lines.length > 0 ? 0 : undefined}>
        {lines.map((l) => (
          <li key={l.clientMsgId ?? l.id} className={`chat-line state-${l.state}`} data-state={l.state}>
            <p className="chat-meta">
              <span className="post-author">{l.author?.displayName ?? 'Former member'}</span> <time dateTime={l.createdAt}>{formatTime(l.createdAt)}</time>
            </p>
            {l.state === 'removed' ? <p className="hint">This message was removed by a supporter.</p> : <p className="preserve">{l.body}</p>}
            {l.state === 'sending' ? <p className="hint line-status">Sending…</p> : null}
            {l.state === 'screening' ? <p className="hint line-status">Checking…</p> : null}
            {l.state === 'held' ? <p className="hint line-status">{HELD_NOTE}</p> : null}
            {l.state === 'rejected' ? <p className="line-status not-sent">{notSent(l, agreement.data, aboutLine(l, 'rejection')?.clauseKey)}</p> : null}
            {l.state === 'published' && l.author?.id !== me?.id ? (
              <button
                type="button"
                className="link-button small"
                aria-expanded={reporting === l.id}
                onClick={() => setReporting(reporting === l.id ? undefined : l.id)}
              >
                Report<span className="visually-hidden"> this message from {l.author?.displayName ?? 'a former member'}</span>
              </button>
            ) : null}
            {reporting === l.id ? <MessageReport messageId={l.id} agreement={agreement.data} onDone={() => setReporting(undefined)} /> : null}
            {l.state === 'published' && l.author?.id !== me?.id && isSupporterOf(me, groupId) ? (
              <SupporterTools
                groupId={groupId}
                subject={{ type: 'message', id: l.id }}
                author={l.author ?? { id: null, displayName: 'Former member' }}
                agreement={agreement.data}
                onDone={() => undefined}
              />
            ) : null}
          </li>
        ))}
      </ol>
      {unseen > 0 ? (
        <p className="new-messages">
          <button type="button" onClick={toLatest}>
            {unseen === 1 ? '1 new message' : `${unseen} new messages`} <span aria-hidden="true">↓</span>
          </button>
        </p>
      ) : null}
      <p className="typing" aria-live="off" data-testid="typing">
        {typists.length ? `${typists.join(', ')} ${typists.length === 1 ? 'is' : 'are'} typing…` : '\u00a0'}
      </p>
      <form onSubmit={send} className="chat-form" noValidate>
        <label htmlFor="chat-draft">Your message</label>
        <p id="chat-draft-hint" className="hint">
          Press Enter to send, Shift and Enter for a new line. Type @ and the start of a name to mention someone.
        </p>
        {mutedUntil && !ended ? (
          <p className="notice muted-notice" id="chat-muted" role="status">
            You are muted in this group until {formatTime(mutedUntil)}. You can still read, but your messages will not be sent until then.
          </p>
        ) : null}
        <textarea
          id="chat-draft"
          ref={draftField}
          rows={2}
          value={draft}
          {...mentions.textareaProps}
          onChange={(e) => {
            onDraft(e.target.value);
            mentions.look(e.target.value, e.target.selectionStart ?? e.target.value.length);
          }}
          onKeyDown={onKeyDown}
          aria-describedby={mutedUntil && !ended ? 'chat-draft-hint chat-muted' : 'chat-draft-hint'}
        />
        {mentions.listbox}
        <button type="submit">Send</button>
      </form>
    </>
  );
}

/** Why a message was not sent, in the agreement's words. */
function notSent(line: Line, agreement: Agreement | undefined, fromNotice: string | null | undefined): string {
  const title = clauseTitle(agreement, line.clauseKey ?? fromNotice);
  return title
    ? `Not sent: it goes against “${title}” in the group agreement. Only you can see it.`
    : 'Not sent: it goes against the group agreement. Only you can see it.';
}

function MessageReport({ messageId, agreement, onDone }: { messageId: string; agreement: Agreement | undefined; onDone: () => void }) {
  const [clauseKey, setClauseKey] = useState(agreement?.clauses[0]?.key ?? '');
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await ok(client.POST('/messages/{messageId}/reports', { params: { path: { messageId } }, body: { clauseKey } }));
      setDone(true);
    } catch (e) {
      setError(e);
    }
  };
  if (done)
    return (
      <p role="status">
        Thank you, a supporter will look at it.{' '}
        <button type="button" className="link-button small" onClick={onDone}>
          Close
        </button>
      </p>
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
      <button type="submit">Send report</button>
    </form>
  );
}

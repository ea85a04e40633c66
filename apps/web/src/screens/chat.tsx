import { useEffect, useEffectEvent, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { ApiError, client, formatTime, ok, type Agreement, type ChatMessage, type Problem } from '../api';
import { chatSocket, emitWithAck } from '../chat-socket';
import { BUNDLED_CRISIS_RESOURCES, isBundled } from '../crisis';
import { useSession } from '../session';
import { ErrorMessage, PageTitle, Select, useAnnounce } from '../ui';
import { useAgreementRedirect } from './forum';
import { useAgreement, useResources } from '../queries';
import { ResourceList } from './resources';

interface Line extends ChatMessage {
  state: 'sending' | 'screening' | 'published' | 'held' | 'rejected' | 'removed';
  note?: string;
  /** The clause a message was not sent for; shown by its title. */
  rejectedFor?: string | null;
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
  return title
    ? `Not sent: it goes against “${title}” in the group agreement.`
    : 'Not sent: it goes against the group agreement.';
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
  const lastTypingSent = useRef(0);
  const lastId = useRef<string | undefined>(undefined);
  const pendingAnnouncement = useRef<{ count: number; latest?: ChatMessage }>({ count: 0 });
  const lastAnnounced = useRef(0);
  const announceTimer = useRef<number | undefined>(undefined);
  useAgreementRedirect(error, groupId);

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
        return [...current, ...history.filter((m) => !known.has(m.id)).map((m) => ({ ...m, state: 'published' as const }))];
      });
      if (history.length) lastId.current = history[history.length - 1].id;
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
      setLines((current) =>
        current.map((l) =>
          l.clientMsgId === e.clientMsgId ? { ...l, id: e.id, state: 'held', note: 'Held for a supporter to read before others see it.' } : l,
        ),
      );
      if (isCrisis) {
        setCrisis(true);
        announce('Your message is waiting for a supporter. If you need help now, crisis contacts are shown below the chat.', true);
      } else announce('Your message is held for a supporter to read.');
    };
    const onRejected = (e: { id: string; groupId: string; clientMsgId: string; clauseKey: string; message: string }) => {
      if (e.groupId !== groupId) return;
      setLines((current) =>
        current.map((l) =>
          l.clientMsgId === e.clientMsgId ? { ...l, id: e.id, state: 'rejected', rejectedFor: e.clauseKey ?? null } : l,
        ),
      );
      announce('Your message was not sent. The reason is shown under it.', true);
    };
    const onRemoved = (e: { id: string; groupId: string }) => {
      if (e.groupId !== groupId) return;
      setLines((current) => current.map((l) => (l.id === e.id ? { ...l, body: '', state: 'removed' } : l)));
    };
    const onAccessEnded = (e: { groupId: string; reason: string; version?: number }) => {
      if (e.groupId !== groupId) return;
      setConnected(false);
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
      setError(new ApiError({ status: 400, code: ack.error?.code as Problem['code'], detail: ack.error?.message ?? 'Your message was not sent.' }));
      return;
    }
    setError(undefined);
    setLines((current) =>
      current.map((l) => (l.clientMsgId === clientMsgId && l.state === 'sending' ? { ...l, id: String(ack.id ?? l.id), state: 'screening' } : l)),
    );
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      void send();
    }
  };

  const onDraft = (value: string) => {
    setDraft(value);
    if (Date.now() - lastTypingSent.current > 3000 && value) {
      lastTypingSent.current = Date.now();
      void emitWithAck('chat:typing', { groupId }, 3000);
    }
  };

  const typists = Object.keys(typing);
  return (
    <>
      <PageTitle>Group chat</PageTitle>
      <p className="hint" role="status">
        {connected ? 'Connected.' : 'Connecting…'} Messages are checked before others see them.
      </p>
      <ErrorMessage error={error} />
      {ended ? (
        <p className="notice" role="alert">
          {ended}
        </p>
      ) : null}
      {mutedUntil && !ended ? (
        <p className="notice" role="status">
          You are muted in this group until {formatTime(mutedUntil)}. You can still read.
        </p>
      ) : null}
      {crisis ? (
        <section className="crisis-box" aria-labelledby="chat-crisis">
          <h2 id="chat-crisis">You don’t have to deal with this alone</h2>
          <p>A supporter will read your message soon. If you need someone now, these people can help at any time:</p>
          <ResourceList resources={[...BUNDLED_CRISIS_RESOURCES, ...(groupResources.data ?? []).filter((r) => !isBundled(r))]} />
        </section>
      ) : null}
      <ol className="chat-log" aria-label="Chat messages">
        {lines.map((l) => (
          <li key={l.clientMsgId ?? l.id} className={`chat-line state-${l.state}`} data-state={l.state}>
            <p className="chat-meta">
              <span className="post-author">{l.author?.displayName ?? 'Former member'}</span> <time dateTime={l.createdAt}>{formatTime(l.createdAt)}</time>
            </p>
            {l.state === 'removed' ? <p className="hint">This message was removed by a supporter.</p> : <p className="preserve">{l.body}</p>}
            {l.state === 'sending' || l.state === 'screening' ? <p className="hint">Checking…</p> : null}
            {l.note ? <p className="hint">{l.note}</p> : null}
            {l.state === 'rejected' && l.rejectedFor !== undefined ? <p className="hint">{rejectionNote(agreement.data, l.rejectedFor)}</p> : null}
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
          </li>
        ))}
      </ol>
      <p className="typing" aria-live="off" data-testid="typing">
        {typists.length ? `${typists.join(', ')} ${typists.length === 1 ? 'is' : 'are'} typing…` : '\u00a0'}
      </p>
      <form onSubmit={send} className="chat-form" noValidate>
        <label htmlFor="chat-draft">Your message</label>
        <p id="chat-draft-hint" className="hint">
          Press Enter to send, Shift and Enter for a new line.
        </p>
        <textarea id="chat-draft" rows={2} value={draft} onChange={(e) => onDraft(e.target.value)} onKeyDown={onKeyDown} aria-describedby="chat-draft-hint" />
        <button type="submit">Send</button>
      </form>
    </>
  );
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

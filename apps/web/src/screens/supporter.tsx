import { useQuery } from '@tanstack/react-query';
import { useEffect, useEffectEvent, useState, type FormEvent } from 'react';
import { ApiError, client, formatTime, ok, type Schema, type Agreement, type ReviewItem } from '../api';
import { chatSocket } from '../chat-socket';
import { useAgreement, useGroup, usePaged } from '../queries';
import { isSupporterOf, useSession } from '../session';
import { CheckInButton } from './mentoring';
import { Countdown, ErrorMessage, Field, LoadError, Loading, MoreButton, PageTitle, Select, Status, useAnnounce } from '../ui';

const REASON_NAMES: Record<string, string> = {
  rule: 'Watched word',
  crisis: 'Crisis language',
  'personal-data': 'Personal details',
  'medical-advice': 'Treatment advice to others',
  link: 'Link',
  'first-posts': 'New member’s first posts',
  'out-of-coverage': 'Outside supporter cover',
  'pre-moderation': 'Group checks every post',
  reports: 'Reported by members',
  appeal: 'Appeal',
  escalation: 'Escalated',
  supporter: 'Taken out of sight by a supporter',
};

/** "Crisis language: suicidal intent", without repeating the name when the detail already starts with it. */
function reasonText(r: { source: string; detail: string }): string {
  const name = REASON_NAMES[r.source] ?? r.source;
  const detail = r.detail ?? '';
  return detail.toLowerCase().startsWith(name.toLowerCase()) ? `${name}${detail.slice(name.length)}` : `${name}: ${detail}`;
}

function NotAllowed() {
  return <p>Only this group’s supporters can see this page.</p>;
}

const byUrgencyThenDue = (a: ReviewItem, b: ReviewItem) =>
  (a.priority === 'urgent' ? 0 : 1) - (b.priority === 'urgent' ? 0 : 1) || new Date(a.dueAt).getTime() - new Date(b.dueAt).getTime();

function Decision({ item, agreement, onDone }: { item: ReviewItem; agreement: Agreement | undefined; onDone: (message: string) => void }) {
  // Deciding an appeal undoes or keeps an earlier decision: it brings no sanction of its own.
  const appeal = item.kind === 'appeal';
  // The server says when the caller may not sanction this author (a fellow supporter, or an admin).
  const sanctions = !appeal && item.sanctionsAllowed !== false;
  // Nothing is chosen for the supporter: each decision is made on purpose.
  const [action, setAction] = useState('');
  const [clauseKey, setClauseKey] = useState('');
  const [note, setNote] = useState('');
  const [sanction, setSanction] = useState('none');
  const [hours, setHours] = useState('24');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!action) {
      setError(new Error('Please choose a decision first.'));
      return;
    }
    if (action === 'remove' && !clauseKey) {
      setError(new Error('Please choose the clause this goes against. Every removal cites a clause.'));
      return;
    }
    const body: Schema<'DecisionDto'> = { action: action as Schema<'DecisionDto'>['action'] };
    if (clauseKey) body.clauseKey = clauseKey;
    if (note.trim()) body.note = note.trim();
    if (sanctions && sanction !== 'none')
      body.sanction = sanction === 'mute' ? { kind: 'mute', hours: Number(hours) } : { kind: sanction as Schema<'SanctionDto'>['kind'] };
    setBusy(true);
    setError(undefined);
    try {
      await ok(client.POST('/review-items/{itemId}/decision', { params: { path: { itemId: item.id } }, body }));
      onDone(
        action === 'approve'
          ? appeal
            ? 'Appeal upheld. It is published, any sanction that came with the decision is lifted, and the member has been told.'
            : 'Approved. It is now published.'
          : action === 'remove'
            ? appeal
              ? 'Appeal not upheld. The decision stands, and the member has been told.'
              : 'Removed. The author has been told which clause.'
            : 'Escalated to the admins.',
      );
    } catch (e) {
      // A 409 says why (decided already, or claimed by someone else): its own words are the clearest.
      setError(e instanceof ApiError && e.status === 409 && !e.problem.detail ? new Error('Someone else has just decided or claimed this item.') : e);
    } finally {
      setBusy(false);
    }
  };
  const clauses: Array<[string, string]> = [
    ['', action === 'remove' ? 'Choose a clause' : 'No clause'],
    ...(agreement?.clauses ?? []).map((c): [string, string] => [c.key, c.title]),
  ];
  return (
    <form onSubmit={submit} className="decision" noValidate aria-label={`Decide on this ${item.kind}`}>
      <ErrorMessage error={error} />
      <Select
        label="Decision"
        value={action}
        onChange={setAction}
        options={
          appeal
            ? [
                ['', 'Choose a decision'],
                ['approve', 'Uphold the appeal: publish it and lift what the decision imposed'],
                ['remove', 'Refuse the appeal, citing a clause'],
                ['escalate', 'Escalate to the admins'],
              ]
            : [
                ['', 'Choose a decision'],
                ['approve', 'Approve: publish it'],
                ['remove', 'Remove it, citing a clause'],
                ['escalate', 'Escalate to the admins'],
              ]
        }
      />
      <Select label="Agreement clause" value={clauseKey} onChange={setClauseKey} options={clauses} />
      <Field label="Note for the record" multiline rows={2} value={note} onChange={setNote} />
      {!sanctions ? null : (
        <Select
          label="Sanction"
          value={sanction}
          onChange={setSanction}
          options={[
            ['none', 'No sanction'],
            ['warn', 'Warning'],
            ['mute', 'Mute for some hours'],
            ['ban', 'Ban from the group'],
          ]}
        />
      )}
      {sanctions && sanction === 'mute' ? (
        <Field label="Mute for how many hours" type="number" inputMode="numeric" min={1} max={720} value={hours} onChange={setHours} required />
      ) : null}
      <button type="submit" disabled={busy}>
        Record decision
      </button>
    </form>
  );
}

export function ReviewQueue({ groupId }: { groupId: string }) {
  const { me } = useSession();
  const announce = useAnnounce();
  const allowed = isSupporterOf(me, groupId);
  const queue = usePaged(
    ['review-items', groupId],
    allowed ? () => ok(client.GET('/groups/{groupId}/review-items', { params: { path: { groupId }, query: { status: 'open' } } })) : null,
  );
  const agreement = useAgreement(groupId);
  const [message, setMessage] = useState('');
  const [claimError, setClaimError] = useState<unknown>();
  const reload = useEffectEvent(() => queue.reload());

  // Live: the chat service pushes review events to the group's supporters; a slow poll covers gaps.
  useEffect(() => {
    if (!allowed) return;
    const socket = chatSocket();
    const onEvent = (kind: string) => (item: ReviewItem) => {
      if (item?.subject?.groupId && item.subject.groupId !== groupId) return;
      if (kind === 'new') announce(`New ${item?.priority === 'urgent' ? 'urgent ' : ''}item in the review queue.`, item?.priority === 'urgent');
      if (kind === 'overdue') announce('An item in the review queue is overdue.');
      reload();
    };
    const handlers = { 'review:new': onEvent('new'), 'review:updated': onEvent('updated'), 'review:overdue': onEvent('overdue') };
    Object.entries(handlers).forEach(([event, handler]) => socket?.on(event, handler));
    const timer = window.setInterval(() => reload(), 20_000);
    return () => {
      Object.entries(handlers).forEach(([event, handler]) => socket?.off(event, handler));
      window.clearInterval(timer);
    };
  }, [groupId, allowed, announce]);

  const claim = async (item: ReviewItem) => {
    setClaimError(undefined);
    try {
      await ok(client.POST('/review-items/{itemId}/claim', { params: { path: { itemId: item.id } }, body: {} }));
      announce('You have claimed this item.');
      queue.reload();
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) setClaimError(new Error('This item is no longer in the queue.'));
      else if (e instanceof ApiError && e.code === 'ITEM_SUPERSEDED') {
        // The author edited: the queue shows the item about the words as they are now.
        setClaimError(new Error('The author has changed these words since this item opened. The queue now shows the current item.'));
        queue.reload();
      } else if (e instanceof ApiError && e.status === 409) setClaimError(new Error('Another supporter claimed this in the last 10 minutes.'));
      else setClaimError(e);
    }
  };

  const sorted = [...(queue.data ?? [])].sort(byUrgencyThenDue);
  return (
    <>
      <PageTitle>Review queue</PageTitle>
      {!allowed ? <NotAllowed /> : null}
      {message ? <Status>{message}</Status> : null}
      <ErrorMessage error={queue.error ?? claimError} />
      {queue.loading && !queue.data ? <Loading what="Loading the queue" /> : null}
      {allowed && queue.data && sorted.length === 0 ? <p>Nothing is waiting. Thank you.</p> : null}
      <ol className="review-items">
        {sorted.map((item) => (
          <li key={item.id} className={`card review-item ${item.priority}`} data-testid="review-item">
            <h2>
              {item.priority === 'urgent' ? <span className="badge urgent">Urgent</span> : null}{' '}
              {item.kind === 'appeal'
                ? 'Appeal'
                : item.subject?.type === 'message'
                  ? 'Chat message'
                  : item.subject?.type === 'conversation-message'
                    ? 'Private message'
                    : 'Post'}{' '}
              by {item.subject?.author?.displayName ?? 'Former member'}
            </h2>
            <p>
              <Countdown dueAt={item.dueAt} /> (by {formatTime(item.dueAt)}){item.overdue ? ' · overdue' : ''}
              {item.claimedBy ? ` · claimed by ${item.claimedBy === me?.id ? 'you' : 'another supporter'}` : ''}
            </p>
            {item.subject?.title ? (
              <p className="subject-title">
                <strong>Topic title:</strong> {item.subject.title}
              </p>
            ) : null}
            {item.subject?.contentWarning ? (
              <p className="subject-warning">
                <strong>Content warning:</strong> {item.subject.contentWarning}
              </p>
            ) : null}
            {item.subject ? <blockquote className="preserve subject-body">{item.subject.body}</blockquote> : <p>What this was about has been deleted.</p>}
            {item.subject?.appeal ? <p className="preserve">Appeal: {item.subject.appeal.text}</p> : null}
            <ul className="reasons">
              {item.reasons.map((r, i) => (
                <li key={i}>
                  {reasonText(r)}
                  {r.clauseKey ? ` (clause ${r.clauseKey})` : ''}
                </li>
              ))}
            </ul>
            <button type="button" className="secondary small" onClick={() => void claim(item)}>
              Claim<span className="visually-hidden"> this item</span>
            </button>
            {item.subject?.author && item.subject.author.id !== me?.id ? <CheckInButton itemId={item.id} /> : null}
            <Decision
              item={item}
              agreement={agreement.data}
              onDone={(m) => {
                setMessage(m);
                queue.reload();
              }}
            />
          </li>
        ))}
      </ol>
      <MoreButton list={queue} what="review items" />
    </>
  );
}

export function Applications({ groupId }: { groupId: string }) {
  const { me } = useSession();
  const allowed = isSupporterOf(me, groupId);
  const group = useGroup(groupId);
  const list = usePaged(
    ['applications', groupId],
    allowed
      ? (cursor) => ok(client.GET('/groups/{groupId}/applications', { params: { path: { groupId }, query: { status: 'pending', limit: 100, cursor } } }))
      : null,
  );
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [message, setMessage] = useState('');

  const decide = async (id: string, decision: 'approve' | 'reject') => {
    setError(undefined);
    const reason = reasons[id]?.trim() || (decision === 'approve' ? 'Welcome to the group.' : '');
    if (!reason) {
      setError(new Error('Please give a reason. The applicant will read it.'));
      return;
    }
    try {
      await ok(client.POST('/applications/{applicationId}/decision', { params: { path: { applicationId: id } }, body: { decision, reason } }));
      setMessage(decision === 'approve' ? 'Application approved.' : 'Application declined.');
      list.reload();
    } catch (e) {
      setError(e);
    }
  };

  const prompt = (key: string) => group.data?.eligibility.questions.find((q) => q.key === key)?.prompt ?? key;
  return (
    <>
      <PageTitle>Applications waiting</PageTitle>
      {!allowed ? <NotAllowed /> : null}
      {message ? <Status>{message}</Status> : null}
      <ErrorMessage error={list.error ?? error} />
      {list.loading && !list.data ? <Loading /> : null}
      {allowed && list.data?.length === 0 ? <p>No applications are waiting.</p> : null}
      <ol className="applications">
        {list.data?.map((a) => {
          const name = a.applicant.displayName;
          return (
            <li key={a.id} className="card" data-testid="application">
              <h2>{name}</h2>
              {a.dueAt ? (
                <p>
                  <Countdown dueAt={a.dueAt} />
                </p>
              ) : null}
              <dl>
                {Object.entries(a.answers).map(([key, answer]) => (
                  <div key={key}>
                    <dt>{prompt(key)}</dt>
                    <dd>
                      {answer}
                      {a.mismatches?.includes(key) ? <strong> (not the expected answer)</strong> : null}
                    </dd>
                  </div>
                ))}
              </dl>
              <Field label={`Reason, shown to ${name}`} value={reasons[a.id] ?? ''} onChange={(v) => setReasons((r) => ({ ...r, [a.id]: v }))} required />
              <div className="actions">
                <button type="button" onClick={() => void decide(a.id, 'approve')}>
                  Approve<span className="visually-hidden"> {name}</span>
                </button>
                <button type="button" className="secondary" onClick={() => void decide(a.id, 'reject')}>
                  Decline<span className="visually-hidden"> {name}</span>
                </button>
              </div>
            </li>
          );
        })}
      </ol>
      <MoreButton list={list} what="applications" />
    </>
  );
}

const minutes = (s: number | null | undefined) => (s === null || s === undefined ? 'not enough data' : `${Math.round(s / 60)} min`);

export function Metrics({ groupId }: { groupId: string }) {
  const { me } = useSession();
  const allowed = isSupporterOf(me, groupId);
  const metrics = useQuery({
    queryKey: ['metrics', groupId],
    queryFn: () => ok(client.GET('/groups/{groupId}/moderation/metrics', { params: { path: { groupId } } })),
    enabled: allowed,
  });
  const m = metrics.data;
  return (
    <>
      <PageTitle>How moderation is going</PageTitle>
      {!allowed ? <NotAllowed /> : null}
      {metrics.error ? <LoadError error={metrics.error} what="this group’s moderation metrics" /> : null}
      {m ? (
        <dl className="metrics">
          <div>
            <dt>Waiting for review</dt>
            <dd>{m.open}</dd>
          </div>
          <div>
            <dt>Urgent and waiting</dt>
            <dd>{m.urgentOpen}</dd>
          </div>
          <div>
            <dt>Overdue</dt>
            <dd>{m.overdue}</dd>
          </div>
          <div>
            <dt>Decided in the last 24 hours</dt>
            <dd>{m.decidedLast24h}</dd>
          </div>
          <div>
            <dt>Typical time to a decision</dt>
            <dd>{minutes(m.timeToDecisionSeconds?.p50)}</dd>
          </div>
          <div>
            <dt>Slowest 5% took</dt>
            <dd>{minutes(m.timeToDecisionSeconds?.p95)}</dd>
          </div>
          <div>
            <dt>Deadlines missed in 7 days</dt>
            <dd>{m.slaBreachesLast7d}</dd>
          </div>
          <div>
            <dt>Supporter cover right now</dt>
            <dd>{m.coveredNow ? 'Yes' : 'No'}</dd>
          </div>
        </dl>
      ) : null}
    </>
  );
}

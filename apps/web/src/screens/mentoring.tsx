import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { client, formatTime, ok, type Schema } from '../api';
import { queryClient } from '../queries';
import { isSupporterOf, useSession } from '../session';
import { ErrorMessage, Field, LoadError, Loading, PageTitle, Select, Status, useAnnounce } from '../ui';

type Relationship = Schema<'RelationshipView'>;
type Goal = Schema<'GoalView'>;
type Conversation = Schema<'ConversationView'>;
type ConversationMessage = Schema<'ConversationMessageView'>;

/** How often an open conversation asks for what is new (`after` the last message it has). */
const POLL_MS = 4_000;

const STATUS_TEXT: Record<string, string> = {
  screening: 'Being checked',
  held: 'Held for a supporter to look at: the other person cannot see it yet',
  rejected: 'Not sent: it goes against the group agreement',
  hidden: 'Hidden while a supporter looks at it',
  removed: 'Removed by a supporter',
};

function useProgramme(groupId: string) {
  return useQuery({
    queryKey: ['mentoring-programme', groupId],
    queryFn: () => ok(client.GET('/groups/{groupId}/mentoring/programme', { params: { path: { groupId } } })),
  });
}

function useMyMentoring() {
  return useQuery({ queryKey: ['my-mentoring'], queryFn: () => ok(client.GET('/me/mentoring')) });
}

/** A screened conversation: messages oldest first (polled), a box to write in, and for a check-in's member a way to decline. */
export function ConversationPanel({ conversationId, title = 'Conversation' }: { conversationId: string; title?: string }) {
  const announce = useAnnounce();
  const conversation = useQuery({
    queryKey: ['conversation', conversationId],
    queryFn: () => ok(client.GET('/conversations/{conversationId}', { params: { path: { conversationId } } })),
  });
  const messages = useQuery({
    queryKey: ['conversation-messages', conversationId],
    queryFn: () => ok(client.GET('/conversations/{conversationId}/messages', { params: { path: { conversationId }, query: { limit: 100 } } })),
    refetchInterval: POLL_MS,
  });
  const [body, setBody] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (!body.trim()) {
      setError(new Error('Please write a message first.'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await ok(
        client.POST('/conversations/{conversationId}/messages', { params: { path: { conversationId } }, body: { body, clientMsgId: crypto.randomUUID() } }),
      );
      setBody('');
      announce('Sent. It is checked before the other person sees it.');
      await queryClient.invalidateQueries({ queryKey: ['conversation-messages', conversationId] });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const decline = async () => {
    setError(undefined);
    try {
      await ok(client.POST('/conversations/{conversationId}/decline', { params: { path: { conversationId } } }));
      announce('You have declined this check-in. Nobody can write in it any more.');
      await queryClient.invalidateQueries({ queryKey: ['conversation', conversationId] });
    } catch (e) {
      setError(e);
    }
  };
  const c: Conversation | undefined = conversation.data;
  return (
    <section aria-labelledby={`conversation-${conversationId}`} className="card conversation">
      <h2 id={`conversation-${conversationId}`}>{title}</h2>
      {conversation.error ? <LoadError error={conversation.error} what="this conversation" /> : null}
      {c ? (
        <p>
          With {c.participants.map((p) => p.displayName).join(' and ')}.{' '}
          {c.status === 'open' ? 'Open.' : c.status === 'declined' ? 'Declined: nobody can write here any more.' : 'Closed: nobody can write here any more.'}
        </p>
      ) : null}
      <ol className="conversation-messages" aria-label="Messages">
        {(messages.data ?? []).map((m: ConversationMessage) => (
          <li key={m.id} data-testid="conversation-message">
            <p className="meta">
              <strong>{m.author.displayName}</strong> · {formatTime(m.createdAt)}
              {m.status !== 'published' ? <span className="badge"> {STATUS_TEXT[m.status] ?? m.status}</span> : null}
            </p>
            <p className="preserve">{m.body}</p>
          </li>
        ))}
      </ol>
      {messages.data && messages.data.length === 0 ? <p>No messages yet.</p> : null}
      <ErrorMessage error={error} />
      {c?.canWrite ? (
        <form onSubmit={send} noValidate aria-label="Write a message">
          <Field
            label="Your message"
            hint="Please keep phone numbers and addresses out: messages with them are held."
            multiline
            rows={3}
            value={body}
            onChange={setBody}
          />
          <button type="submit" disabled={busy}>
            Send
          </button>
        </form>
      ) : null}
      {c?.canDecline ? (
        <button type="button" className="secondary" onClick={() => void decline()}>
          Decline this check-in
        </button>
      ) : null}
    </section>
  );
}

/** A conversation on its own page (a check-in, or the supervision thread). */
export function ConversationScreen() {
  const { conversationId } = useParams();
  return (
    <>
      <PageTitle>Private conversation</PageTitle>
      <ConversationPanel key={conversationId} conversationId={conversationId!} />
    </>
  );
}

/** On a review item: a supporter checks in privately with the person it is about. */
export function CheckInButton({ itemId }: { itemId: string }) {
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>();
  const open = async () => {
    setError(undefined);
    try {
      const conversation = await ok(client.POST('/review-items/{itemId}/check-ins', { params: { path: { itemId } }, body: {} }));
      navigate(`/conversations/${conversation.id}`);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <button type="button" className="secondary small" onClick={() => void open()}>
        Check in privately<span className="visually-hidden"> with this member</span>
      </button>
      {error ? <ErrorMessage error={error} /> : null}
    </>
  );
}

/** The member's side: ask for a mentor, agree to a match, and open a relationship. */
export function MentoringHome({ groupId }: { groupId: string }) {
  const { me } = useSession();
  const programme = useProgramme(groupId);
  const mine = useMyMentoring();
  const announce = useAnnounce();
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [message, setMessage] = useState('');
  if (programme.error) {
    return (
      <>
        <PageTitle>Peer mentoring</PageTitle>
        <p>This group does not run peer mentoring yet.</p>
      </>
    );
  }
  if (!programme.data || !mine.data) return <Loading what="Loading peer mentoring" />;
  const p = programme.data;
  const relationships = mine.data.relationships.filter((r) => r.groupId === groupId);
  const openRequest = mine.data.requests.find((r) => r.groupId === groupId && r.status === 'open');
  const busyWithMentor = relationships.some((r) => r.myRole === 'mentee' && r.status !== 'ended');
  const ask = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const full = Object.fromEntries(p.matchingQuestions.map((q) => [q.key, answers[q.key] ?? q.options[0]!]));
      await ok(client.POST('/groups/{groupId}/mentoring/requests', { params: { path: { groupId } }, body: { answers: full } }));
      setMessage('Thank you. A coordinator will suggest a mentor, and you will both be asked to agree.');
      announce('Your request has been sent.');
      await mine.refetch();
    } catch (e) {
      setError(e);
    }
  };
  const agree = async (r: Relationship) => {
    setError(undefined);
    try {
      await ok(client.POST('/mentoring/relationships/{relationshipId}/agree', { params: { path: { relationshipId: r.id } } }));
      announce('You have agreed.');
      await mine.refetch();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <PageTitle>Peer mentoring</PageTitle>
      <p>
        {p.name}: one-to-one support from a trained volunteer who lives with the condition, for {p.relationshipWeeks} weeks, with a check-in about every{' '}
        {p.checkInEveryDays} days.
      </p>
      {isSupporterOf(me, groupId) ? (
        <p>
          <Link to={`/community/${groupId}/mentoring/coordinate`}>Coordinate mentoring</Link>
        </p>
      ) : null}
      {message ? <Status>{message}</Status> : null}
      <ErrorMessage error={error} />
      {relationships.length > 0 ? (
        <section aria-labelledby="my-mentoring">
          <h2 id="my-mentoring">Your mentoring</h2>
          <ul className="cards">
            {relationships.map((r) => {
              const other = r.myRole === 'mentor' ? r.mentee : r.mentor;
              const agreed = r.myRole === 'mentor' ? r.mentorAgreedAt : r.menteeAgreedAt;
              return (
                <li key={r.id} className="card" data-testid="relationship">
                  <h3>
                    {r.myRole === 'mentor' ? 'Mentoring' : 'Your mentor:'} {other?.displayName ?? 'Former member'}
                  </h3>
                  <p>{r.status === 'proposed' ? 'Waiting for both of you to agree.' : r.status === 'active' ? 'Running.' : 'Ended.'}</p>
                  {r.status === 'proposed' && !agreed ? (
                    <button type="button" onClick={() => void agree(r)}>
                      Agree to start<span className="visually-hidden"> with {other?.displayName}</span>
                    </button>
                  ) : null}
                  {r.status !== 'proposed' ? (
                    <Link to={`/mentoring/${r.id}`}>
                      Open<span className="visually-hidden"> mentoring with {other?.displayName}</span>
                    </Link>
                  ) : null}
                </li>
              );
            })}
          </ul>
        </section>
      ) : null}
      {openRequest ? <p>You have asked for a mentor. A coordinator will be in touch.</p> : null}
      {!openRequest && !busyWithMentor ? (
        <form onSubmit={ask} noValidate aria-labelledby="ask-title" className="card">
          <h2 id="ask-title">Ask for a mentor</h2>
          <p>Your answers help a coordinator find someone whose experience is close to yours. Only coordinators see them.</p>
          {p.matchingQuestions.map((q) => (
            <Select
              key={q.key}
              label={q.label}
              value={answers[q.key] ?? q.options[0]!}
              onChange={(v) => setAnswers((a) => ({ ...a, [q.key]: v }))}
              options={q.options.map((o): [string, string] => [o, o])}
            />
          ))}
          <button type="submit">Ask for a mentor</button>
        </form>
      ) : null}
    </>
  );
}

function GoalsSection({ relationship }: { relationship: Relationship }) {
  const announce = useAnnounce();
  const goals = useQuery({
    queryKey: ['goals', relationship.id],
    queryFn: () => ok(client.GET('/mentoring/relationships/{relationshipId}/goals', { params: { path: { relationshipId: relationship.id } } })),
  });
  const [what, setWhat] = useState('');
  const [byWhen, setByWhen] = useState('');
  const [confidence, setConfidence] = useState('5');
  const [reviews, setReviews] = useState<Record<string, { confidence: string; status: string }>>({});
  const [error, setError] = useState<unknown>();
  const active = relationship.status === 'active';
  const add = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await ok(
        client.POST('/mentoring/relationships/{relationshipId}/goals', {
          params: { path: { relationshipId: relationship.id } },
          body: { what, byWhen, confidence: Number(confidence) },
        }),
      );
      setWhat('');
      announce('Goal added.');
      await goals.refetch();
    } catch (e) {
      setError(e);
    }
  };
  const checkIn = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const body = {
        reviews: (goals.data ?? []).map((g: Goal) => ({
          goalId: g.id,
          confidence: Number(reviews[g.id]?.confidence ?? g.confidence),
          status: (reviews[g.id]?.status ?? g.status) as Goal['status'],
        })),
      };
      await ok(client.POST('/mentoring/relationships/{relationshipId}/check-ins', { params: { path: { relationshipId: relationship.id } }, body }));
      announce('Check-in recorded. The next one is due in a week or so.');
      await Promise.all([goals.refetch(), queryClient.invalidateQueries({ queryKey: ['relationship', relationship.id] })]);
    } catch (e) {
      setError(e);
    }
  };
  const scale = Array.from({ length: 11 }, (_, i): [string, string] => [String(i), String(i)]);
  return (
    <section aria-labelledby="goals-title" className="card">
      <h2 id="goals-title">Goals and action plans</h2>
      {goals.error ? <LoadError error={goals.error} what="the goals" /> : null}
      <ErrorMessage error={error} />
      {goals.data && goals.data.length === 0 ? <p>No goals yet.</p> : null}
      <ul>
        {(goals.data ?? []).map((g: Goal) => (
          <li key={g.id} data-testid="goal">
            <strong>{g.what}</strong> by {g.byWhen}. Confidence {g.confidence} out of 10 ({g.status}).
            {g.reviews.length > 0 ? ` Reviewed at ${g.reviews.length} check-in${g.reviews.length === 1 ? '' : 's'}.` : ''}
          </li>
        ))}
      </ul>
      {active ? (
        <form onSubmit={add} noValidate aria-labelledby="new-goal">
          <h3 id="new-goal">Set a goal</h3>
          <Field label="What you will do" value={what} onChange={setWhat} />
          <Field label="By when" type="date" value={byWhen} onChange={setByWhen} />
          <Select label="How confident you feel, from 0 to 10" value={confidence} onChange={setConfidence} options={scale} />
          <button type="submit">Add goal</button>
        </form>
      ) : null}
      {active && relationship.myRole === 'mentor' && (goals.data ?? []).length > 0 ? (
        <form onSubmit={checkIn} noValidate aria-labelledby="check-in-title">
          <h3 id="check-in-title">Record a check-in</h3>
          {(goals.data ?? []).map((g: Goal) => (
            <fieldset key={g.id}>
              <legend>{g.what}</legend>
              <Select
                label="Confidence now, from 0 to 10"
                value={reviews[g.id]?.confidence ?? String(g.confidence)}
                onChange={(v) => setReviews((r) => ({ ...r, [g.id]: { confidence: v, status: r[g.id]?.status ?? g.status } }))}
                options={scale}
              />
              <Select
                label="Where it stands"
                value={reviews[g.id]?.status ?? g.status}
                onChange={(v) => setReviews((r) => ({ ...r, [g.id]: { confidence: r[g.id]?.confidence ?? String(g.confidence), status: v } }))}
                options={[
                  ['open', 'Still working on it'],
                  ['done', 'Done'],
                  ['dropped', 'Let go of it'],
                ]}
              />
            </fieldset>
          ))}
          <button type="submit">Record check-in</button>
        </form>
      ) : null}
    </section>
  );
}

function NotesSection({ relationshipId }: { relationshipId: string }) {
  const announce = useAnnounce();
  const notes = useQuery({
    queryKey: ['notes', relationshipId],
    queryFn: () => ok(client.GET('/mentoring/relationships/{relationshipId}/notes', { params: { path: { relationshipId } } })),
  });
  const [body, setBody] = useState('');
  const [error, setError] = useState<unknown>();
  const add = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await ok(client.POST('/mentoring/relationships/{relationshipId}/notes', { params: { path: { relationshipId } }, body: { body } }));
      setBody('');
      announce('Note saved.');
      await notes.refetch();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section aria-labelledby="notes-title" className="card">
      <h2 id="notes-title">Your session notes</h2>
      <p>Only you and the programme’s coordinators read these. They are part of the mentee’s data if they ask for it.</p>
      <ErrorMessage error={error} />
      <ul>
        {(notes.data ?? []).map((n) => (
          <li key={n.id} className="preserve" data-testid="note">
            {formatTime(n.createdAt)}: {n.body}
          </li>
        ))}
      </ul>
      <form onSubmit={add} noValidate aria-label="Add a session note">
        <Field label="New note" multiline rows={3} value={body} onChange={setBody} />
        <button type="submit">Save note</button>
      </form>
    </section>
  );
}

/** One mentoring relationship, for its mentor or mentee: the conversation, goals, notes (mentor) and ending it. */
export function RelationshipScreen() {
  const { relationshipId } = useParams();
  const announce = useAnnounce();
  const relationship = useQuery({
    queryKey: ['relationship', relationshipId],
    queryFn: () => ok(client.GET('/mentoring/relationships/{relationshipId}', { params: { path: { relationshipId: relationshipId! } } })),
  });
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const r = relationship.data;
  const end = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await ok(client.POST('/mentoring/relationships/{relationshipId}/end', { params: { path: { relationshipId: relationshipId! } }, body: { reason } }));
      announce('The mentoring has ended. The conversation is closed for both of you.');
      await relationship.refetch();
      if (r?.conversationId) await queryClient.invalidateQueries({ queryKey: ['conversation', r.conversationId] });
    } catch (e) {
      setError(e);
    }
  };
  const agree = async () => {
    setError(undefined);
    try {
      await ok(client.POST('/mentoring/relationships/{relationshipId}/agree', { params: { path: { relationshipId: relationshipId! } } }));
      announce('You have agreed.');
      await relationship.refetch();
    } catch (e) {
      setError(e);
    }
  };
  if (relationship.error) return <LoadError error={relationship.error} what="this mentoring" />;
  if (!r) return <Loading />;
  const other = r.myRole === 'mentor' ? r.mentee : r.mentor;
  const agreed = r.myRole === 'mentor' ? r.mentorAgreedAt : r.menteeAgreedAt;
  return (
    <>
      <PageTitle>
        {r.myRole === 'mentor' ? `Mentoring ${other?.displayName ?? 'a former member'}` : `Mentoring with ${other?.displayName ?? 'a former member'}`}
      </PageTitle>
      <p>
        {r.status === 'active'
          ? `Running until ${formatTime(r.endsAt)}. Next check-in due ${formatTime(r.nextCheckInDue)}${r.overdue ? ' (overdue)' : ''}.`
          : null}
        {r.status === 'ended' ? 'This mentoring has ended.' : null}
        {r.status === 'proposed' ? 'Waiting for both of you to agree before it starts.' : null}
      </p>
      {r.status === 'proposed' && r.myRole && !agreed ? (
        <button type="button" onClick={() => void agree()}>
          Agree to start
        </button>
      ) : null}
      {r.conversationId ? <ConversationPanel conversationId={r.conversationId} /> : null}
      <GoalsSection relationship={r} />
      {r.myRole === 'mentor' ? <NotesSection relationshipId={r.id} /> : null}
      {r.status !== 'ended' && r.myRole ? (
        <form onSubmit={end} noValidate aria-labelledby="end-title" className="card">
          <h2 id="end-title">End the mentoring</h2>
          <p>Either of you can end it at any time. Only the coordinators read your reason.</p>
          <ErrorMessage error={error} />
          <Field label="Why you are ending it" multiline rows={2} value={reason} onChange={setReason} />
          <button type="submit" className="secondary">
            End mentoring
          </button>
        </form>
      ) : null}
    </>
  );
}

function Suggestions({ requestId, onMatched }: { requestId: string; onMatched: () => void }) {
  const suggestions = useQuery({
    queryKey: ['suggestions', requestId],
    queryFn: () => ok(client.GET('/mentoring/requests/{requestId}/suggestions', { params: { path: { requestId } } })),
  });
  const [error, setError] = useState<unknown>();
  const match = async (mentorId: string) => {
    setError(undefined);
    try {
      await ok(client.POST('/mentoring/requests/{requestId}/match', { params: { path: { requestId } }, body: { mentorId } }));
      onMatched();
    } catch (e) {
      setError(e);
    }
  };
  if (!suggestions.data) return <Loading what="Finding mentors" />;
  return (
    <>
      <ErrorMessage error={error} />
      {suggestions.data.length === 0 ? <p>No mentor can take someone new just now.</p> : null}
      <ol>
        {suggestions.data.map((s) => (
          <li key={s.mentor.id}>
            {s.mentor.displayName}: matches {s.score} answer{s.score === 1 ? '' : 's'}, room for {s.spareCapacity} more.{' '}
            <button type="button" className="small" onClick={() => void match(s.mentor.id)}>
              Match<span className="visually-hidden"> with {s.mentor.displayName}</span>
            </button>
          </li>
        ))}
      </ol>
    </>
  );
}

/** Coordinators: requests with suggested matches, each mentor's load and overdue check-ins, and every relationship. */
export function Coordinate({ groupId }: { groupId: string }) {
  const { me } = useSession();
  const announce = useAnnounce();
  const allowed = isSupporterOf(me, groupId);
  const requests = useQuery({
    queryKey: ['mentoring-requests', groupId],
    enabled: allowed,
    queryFn: () => ok(client.GET('/groups/{groupId}/mentoring/requests', { params: { path: { groupId } } })),
  });
  const mentors = useQuery({
    queryKey: ['mentoring-mentors', groupId],
    enabled: allowed,
    queryFn: () => ok(client.GET('/groups/{groupId}/mentoring/mentors', { params: { path: { groupId } } })),
  });
  const relationships = useQuery({
    queryKey: ['mentoring-relationships', groupId],
    enabled: allowed,
    queryFn: () => ok(client.GET('/groups/{groupId}/mentoring/relationships', { params: { path: { groupId } } })),
  });
  const matched = async () => {
    announce('Matched. Both people have been asked to agree.');
    await Promise.all([requests.refetch(), mentors.refetch(), relationships.refetch()]);
  };
  if (!allowed) return <p>Only this group’s supporters and admins coordinate mentoring.</p>;
  return (
    <>
      <PageTitle>Coordinate mentoring</PageTitle>
      {requests.error ? <LoadError error={requests.error} what="the requests" /> : null}
      <section aria-labelledby="requests-title">
        <h2 id="requests-title">Waiting for a mentor</h2>
        {requests.data && requests.data.length === 0 ? <p>Nobody is waiting.</p> : null}
        <ul className="cards">
          {(requests.data ?? []).map((r) => (
            <li key={r.id} className="card" data-testid="mentoring-request">
              <h3>{r.mentee.displayName}</h3>
              <p>
                Asked {formatTime(r.createdAt)}.{' '}
                {Object.entries(r.answers)
                  .map(([k, v]) => `${k}: ${v}`)
                  .join('; ')}
              </p>
              <Suggestions requestId={r.id} onMatched={() => void matched()} />
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="loads-title">
        <h2 id="loads-title">Mentors</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Mentor</th>
              <th scope="col">Mentees</th>
              <th scope="col">Overdue check-ins</th>
              <th scope="col">Training renewal</th>
            </tr>
          </thead>
          <tbody>
            {(mentors.data ?? []).map((m) => (
              <tr key={m.mentor.id} data-testid="mentor-load">
                <td>{m.mentor.displayName}</td>
                <td>
                  {m.load} of {m.capacity}
                </td>
                <td>{m.overdueCheckIns}</td>
                <td>
                  {m.training.renewBy}
                  {m.trainingCurrent ? '' : ' (lapsed: no new mentees)'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="relationships-title">
        <h2 id="relationships-title">Relationships</h2>
        <ul>
          {(relationships.data ?? []).map((r) => (
            <li key={r.id} data-testid="coordinated-relationship">
              {r.mentor?.displayName ?? 'Former member'} with {r.mentee?.displayName ?? 'Former member'}: {r.status}
              {r.overdue ? ', check-in overdue' : ''}
              {r.endReason ? `. Ended because: ${r.endReason}` : ''}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

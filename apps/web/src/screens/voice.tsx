import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { client, formatDateTime, ok } from '../api';
import { queryClient, useAgreement } from '../queries';
import { isSupporterOf, membershipOf, useSession } from '../session';
import { ErrorMessage, Field, LoadError, Loading, PageTitle, Status } from '../ui';

/** Members send feedback to their group; its supporters read it without names, admins with them. */
export function Feedback({ groupId }: { groupId: string }) {
  const { me } = useSession();
  const staff = isSupporterOf(me, groupId);
  const isMember = Boolean(me && (me.isAdmin || membershipOf(me, groupId)));
  const [body, setBody] = useState('');
  const [error, setError] = useState<unknown>();
  const [sent, setSent] = useState(false);
  const list = useQuery({
    queryKey: ['feedback', groupId],
    queryFn: () => ok(client.GET('/groups/{groupId}/feedback', { params: { path: { groupId } } })),
    enabled: staff,
  });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await ok(client.POST('/groups/{groupId}/feedback', { params: { path: { groupId } }, body: { body } }));
      setSent(true);
      setBody('');
      setError(undefined);
      void queryClient.invalidateQueries({ queryKey: ['feedback', groupId] });
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <PageTitle>Feedback</PageTitle>
      {isMember ? (
        <form onSubmit={submit} noValidate>
          <p>
            Tell the people who run this group what works for you and what could be better. Supporters read it without your name; admins can see who sent it.
          </p>
          {sent ? <Status>Thank you. Your feedback is sent.</Status> : null}
          <ErrorMessage error={error} />
          <Field label="Your feedback" multiline rows={5} value={body} onChange={setBody} required />
          <button type="submit">Send feedback</button>
        </form>
      ) : (
        <p>Only members of this group can send it feedback.</p>
      )}
      {staff ? (
        <section>
          <h2>Feedback received</h2>
          {list.isLoading ? <Loading /> : null}
          {list.error ? <LoadError error={list.error} what="the feedback" /> : null}
          {list.data?.length === 0 ? <p>No feedback yet.</p> : null}
          <ul className="notices">
            {list.data?.map((f) => (
              <li key={f.id} className="card">
                <p className="preserve">{f.body}</p>
                <p className="hint">
                  {formatDateTime(f.createdAt)}
                  {f.author ? `, from ${f.author.displayName}` : ''}
                </p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

function CommentForm({ proposalId }: { proposalId: string }) {
  const [body, setBody] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await ok(client.POST('/agreement-proposals/{proposalId}/comments', { params: { path: { proposalId } }, body: { body } }));
      setBody('');
      setError(undefined);
      void queryClient.invalidateQueries({ queryKey: ['proposals'] });
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form onSubmit={submit} noValidate>
      <ErrorMessage error={error} />
      <Field label="Your comment" hint="The group’s admins read every comment before deciding." multiline rows={3} value={body} onChange={setBody} required />
      <button type="submit">Send comment</button>
    </form>
  );
}

function NewProposal({ groupId }: { groupId: string }) {
  const agreement = useAgreement(groupId);
  const [summary, setSummary] = useState('');
  const [clauses, setClauses] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const text = clauses ?? (agreement.data ? JSON.stringify(agreement.data.clauses, null, 2) : '');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      setError(new Error('The clauses are not valid JSON.'));
      return;
    }
    try {
      await ok(
        client.POST('/groups/{groupId}/agreement-proposals', {
          params: { path: { groupId } },
          body: { summary, clauses: parsed as Record<string, unknown>[] },
        }),
      );
      setSummary('');
      setClauses(null);
      setError(undefined);
      void queryClient.invalidateQueries({ queryKey: ['proposals'] });
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form onSubmit={submit} noValidate>
      <h2>Propose a change</h2>
      <ErrorMessage error={error} />
      <Field label="What changes, and why" multiline rows={3} value={summary} onChange={setSummary} required />
      <Field label="The proposed clauses (JSON)" hint="Starts from the current agreement." multiline rows={12} value={text} onChange={setClauses} required />
      <button type="submit">Ask members</button>
    </form>
  );
}

/** Proposed changes to the group agreement: members comment; admins publish through the group's agreement. */
export function Proposals({ groupId }: { groupId: string }) {
  const { me } = useSession();
  const isMember = Boolean(me && (me.isAdmin || membershipOf(me, groupId)));
  const list = useQuery({
    queryKey: ['proposals', groupId],
    queryFn: () => ok(client.GET('/groups/{groupId}/agreement-proposals', { params: { path: { groupId } } })),
    enabled: isMember,
  });
  const [error, setError] = useState<unknown>();
  const act = async (call: Promise<unknown>) => {
    try {
      await call;
      setError(undefined);
    } catch (e) {
      setError(e);
    }
    void queryClient.invalidateQueries({ queryKey: ['proposals'] });
    void queryClient.invalidateQueries({ queryKey: ['agreement', groupId] });
  };
  return (
    <>
      <PageTitle>Agreement proposals</PageTitle>
      <p>Changes to the group agreement are put to members first. Say what you think before they are published.</p>
      {!isMember ? <p>Only members of this group can see its proposals.</p> : null}
      <ErrorMessage error={error} />
      {list.isLoading ? <Loading /> : null}
      {list.error ? <LoadError error={list.error} what="the proposals" /> : null}
      {list.data?.length === 0 ? <p>No changes have been proposed.</p> : null}
      {list.data?.map((p) => (
        <section key={p.id} className="card">
          <h2>
            {p.summary}{' '}
            <span className="hint">
              ({p.status === 'open' ? 'open for comments' : p.status === 'published' ? `published as version ${p.publishedVersion}` : 'withdrawn'})
            </span>
          </h2>
          <ol>
            {p.clauses.map((c) => (
              <li key={c.key}>
                <strong>{c.title}</strong>: {c.text}
              </li>
            ))}
          </ol>
          {p.comments.length > 0 ? (
            <>
              <h3>{me?.isAdmin ? 'Comments' : 'Your comments'}</h3>
              <ul>
                {p.comments.map((c) => (
                  <li key={c.id}>
                    {c.body}{' '}
                    <span className="hint">
                      ({c.author?.displayName}, {formatDateTime(c.createdAt)})
                    </span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {p.status === 'open' ? <CommentForm proposalId={p.id} /> : null}
          {p.status === 'open' && me?.isAdmin ? (
            <p>
              <button
                type="button"
                onClick={() => void act(ok(client.POST('/agreement-proposals/{proposalId}/publish', { params: { path: { proposalId: p.id } } })))}
              >
                Publish as the agreement
              </button>{' '}
              <button
                type="button"
                className="secondary"
                onClick={() => void act(ok(client.DELETE('/agreement-proposals/{proposalId}', { params: { path: { proposalId: p.id } } })))}
              >
                Withdraw
              </button>
            </p>
          ) : null}
        </section>
      ))}
      {me?.isAdmin ? <NewProposal groupId={groupId} /> : null}
    </>
  );
}

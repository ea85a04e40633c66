import { useQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { client, formatDateTime, ok, type Agreement } from '../api';
import { useAgreement, usePaged } from '../queries';
import { ErrorMessage, Field, LoadError, Loading, MoreButton, PageTitle, Select, Status, useAnnounce } from '../ui';

type Subject = { type: 'post' | 'message'; id: string };
type Author = { id: string | null; displayName: string };

const clauseOptions = (agreement: Agreement | undefined, none: string): Array<[string, string]> => [
  ['', none],
  ...(agreement?.clauses ?? []).map((c): [string, string] => [c.key, c.title]),
];

/**
 * A supporter's tools on one post or message, where it is read: hide it until a decision, remove it
 * citing a clause, mute its author, or open the author's history in this group. Opened by a button,
 * so the conversation stays readable.
 */
export function SupporterTools({
  groupId,
  subject,
  author,
  agreement,
  onDone,
}: {
  groupId: string;
  subject: Subject;
  author: Author;
  agreement: Agreement | undefined;
  onDone: () => void;
}) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const what = subject.type === 'post' ? 'post' : 'message';
  return (
    <div className="supporter-tools">
      <button type="button" className="link-button small" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen((o) => !o)}>
        Supporter tools
        <span className="visually-hidden">
          {' '}
          for this {what} by {author.displayName}
        </span>
      </button>
      {open ? (
        <div id={panelId} className="tools-panel" role="group" aria-label={`Supporter tools for this ${what} by ${author.displayName}`}>
          <ContentActions subject={subject} agreement={agreement} onDone={onDone} />
          {author.id ? <MuteForm groupId={groupId} author={{ id: author.id, displayName: author.displayName }} agreement={agreement} /> : null}
          {author.id ? (
            <p>
              <Link to={`/community/${groupId}/members/${author.id}`}>See {author.displayName}’s history in this group</Link>
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

function ContentActions({ subject, agreement, onDone }: { subject: Subject; agreement: Agreement | undefined; onDone: () => void }) {
  const announce = useAnnounce();
  const [clauseKey, setClauseKey] = useState('');
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);
  const what = subject.type === 'post' ? 'post' : 'message';
  const act = async (action: 'hide' | 'remove') => {
    if (action === 'remove' && !clauseKey) {
      setError(new Error('Please choose the part of the agreement this goes against. Every removal names one.'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const body = action === 'remove' ? { action, clauseKey } : { action };
      if (subject.type === 'post') await ok(client.POST('/posts/{postId}/moderation', { params: { path: { postId: subject.id } }, body }));
      else await ok(client.POST('/messages/{messageId}/moderation', { params: { path: { messageId: subject.id } }, body }));
      const message =
        action === 'hide'
          ? `The ${what} is hidden from others and waits in the review queue for a decision.`
          : `The ${what} is removed. Its author has been told which part of the agreement it goes against.`;
      setDone(message);
      announce(message);
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="content-actions" noValidate onSubmit={(e: FormEvent) => e.preventDefault()}>
      <ErrorMessage error={error} />
      {done ? <Status>{done}</Status> : null}
      <button type="button" className="secondary small" disabled={busy} onClick={() => void act('hide')}>
        Hide until a decision
      </button>
      <Select label="Part of the agreement it goes against" value={clauseKey} onChange={setClauseKey} options={clauseOptions(agreement, 'Choose a clause')} />
      <button type="button" className="danger small" disabled={busy} onClick={() => void act('remove')}>
        Remove this {what}
      </button>
    </form>
  );
}

function MuteForm({ groupId, author, agreement }: { groupId: string; author: { id: string; displayName: string }; agreement: Agreement | undefined }) {
  const announce = useAnnounce();
  const [hours, setHours] = useState('24');
  const [clauseKey, setClauseKey] = useState('');
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!clauseKey) {
      setError(new Error('Please choose the part of the agreement the mute is for.'));
      return;
    }
    const n = Number(hours);
    if (!Number.isInteger(n) || n < 1 || n > 8784) {
      setError(new Error('Please give the number of hours as a whole number, from 1 to 8784 (a year).'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const answer = await ok(
        client.POST('/groups/{groupId}/members/{userId}/mute', { params: { path: { groupId, userId: author.id } }, body: { hours: n, clauseKey } }),
      );
      const message = `${author.displayName} is muted until ${formatDateTime(answer.mutedUntil)}. They can still read, and they have been told why.`;
      setDone(message);
      announce(message);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="mute-form" noValidate onSubmit={submit} aria-label={`Mute ${author.displayName}`}>
      <ErrorMessage error={error} />
      {done ? <Status>{done}</Status> : null}
      <Field label="Mute for how many hours" type="number" inputMode="numeric" min={1} max={8784} value={hours} onChange={setHours} required />
      <Select label="Part of the agreement the mute is for" value={clauseKey} onChange={setClauseKey} options={clauseOptions(agreement, 'Choose a clause')} />
      <button type="submit" className="secondary small" disabled={busy}>
        Mute {author.displayName}
      </button>
    </form>
  );
}

const SANCTION_WORDS: Record<string, string> = { removal: 'Removal', warn: 'Warning', mute: 'Mute', ban: 'Ban' };

/** A member's record in this group: what was decided about what they wrote, and their sanctions. Never another group's. */
export function MemberHistory({ groupId, userId }: { groupId: string; userId: string }) {
  const agreement = useAgreement(groupId);
  const record = useQuery({
    queryKey: ['member-history', groupId, userId],
    queryFn: () => ok(client.GET('/groups/{groupId}/members/{userId}/history', { params: { path: { groupId, userId } } })),
  });
  const clause = (key: string | null) =>
    key ? (agreement.data?.clauses.find((c) => c.key === key)?.title ?? 'a clause no longer in the agreement') : 'no clause';
  const r = record.data;
  return (
    <>
      <PageTitle>{r ? `${r.member.displayName}’s history in this group` : 'Member history'}</PageTitle>
      {record.isPending ? <Loading /> : null}
      {record.error ? <LoadError error={record.error} what="this member’s history" /> : null}
      {r ? (
        <>
          <p>
            {r.member.status === 'active'
              ? r.member.role === 'supporter'
                ? 'A supporter of this group.'
                : 'A member of this group.'
              : 'No longer a member of this group.'}
            {r.member.mutedUntil ? ` Muted until ${formatDateTime(r.member.mutedUntil)}.` : ''}
          </p>
          <p className="hint">Only this group’s record is shown here. What happens in other groups stays with those groups.</p>
          <section aria-labelledby="sanctions-title">
            <h2 id="sanctions-title">Removals and sanctions</h2>
            {r.sanctions.length === 0 ? <p>None.</p> : null}
            <ul className="plain history">
              {r.sanctions.map((s, i) => (
                <li key={i}>
                  <strong>{SANCTION_WORDS[s.action] ?? s.action}</strong> for “{clause(s.clauseKey)}”,{' '}
                  <time dateTime={s.createdAt}>{formatDateTime(s.createdAt)}</time>
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="decisions-title">
            <h2 id="decisions-title">Decisions about what they wrote</h2>
            {r.decisions.length === 0 ? <p>None.</p> : null}
            <ul className="plain history">
              {r.decisions.map((d) => (
                <li key={d.reviewItemId}>
                  {d.action === 'remove'
                    ? `Removed a ${d.subjectType === 'post' ? 'post' : 'chat message'} for “${clause(d.clauseKey)}”`
                    : `Kept a ${d.subjectType === 'post' ? 'post' : 'chat message'} up`}
                  {d.sanction ? `, with a ${SANCTION_WORDS[d.sanction.kind]?.toLowerCase() ?? d.sanction.kind}` : ''},{' '}
                  <time dateTime={d.decidedAt}>{formatDateTime(d.decidedAt)}</time>
                </li>
              ))}
            </ul>
          </section>
        </>
      ) : null}
      <p>
        <Link to={`/community/${groupId}`}>Back to the group</Link>
      </p>
    </>
  );
}

const STANDINGS: Array<[string, string]> = [
  ['', 'Everyone'],
  ['active', 'Taking part'],
  ['muted', 'Muted now'],
  ['banned', 'Banned'],
];
const ROLES: Array<[string, string]> = [
  ['', 'Members and supporters'],
  ['member', 'Members'],
  ['supporter', 'Supporters'],
];

/** The group's members, for its supporters: found by name, narrowed by role and standing, each with a link to their history here. */
export function Members({ groupId }: { groupId: string }) {
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState({ q: '', role: '', standing: '' });
  const list = usePaged(['members', groupId, search], (cursor) =>
    ok(
      client.GET('/groups/{groupId}/members', {
        params: {
          path: { groupId },
          query: {
            cursor,
            limit: 50,
            ...(search.q ? { q: search.q } : {}),
            ...(search.role ? { role: search.role as 'member' | 'supporter' } : {}),
            ...(search.standing ? { standing: search.standing as 'active' | 'muted' | 'banned' } : {}),
          },
        },
      }),
    ),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSearch((s) => ({ ...s, q: typed.trim() }));
  };
  return (
    <>
      <PageTitle>Members</PageTitle>
      <form role="search" aria-label="Find members" className="member-search" onSubmit={submit} noValidate>
        <Field label="Name" hint="Part of a display name is enough." value={typed} onChange={setTyped} />
        <Select label="Role" value={search.role} onChange={(role) => setSearch((s) => ({ ...s, role }))} options={ROLES} />
        <Select label="Standing" value={search.standing} onChange={(standing) => setSearch((s) => ({ ...s, standing }))} options={STANDINGS} />
        <button type="submit">Find</button>
      </form>
      {list.loading ? <Loading what="Loading members" /> : null}
      <ErrorMessage error={list.error} />
      {list.data && list.data.length === 0 ? <p>Nobody matches.</p> : null}
      <ul className="plain members">
        {list.data?.map((m) => (
          <li key={m.userId} className="card">
            <Link to={`/community/${groupId}/members/${m.userId}`}>{m.displayName}</Link>
            <span className="hint">
              {' '}
              · {m.role === 'supporter' ? 'Supporter' : 'Member'} since {formatDateTime(m.joinedAt)}
              {m.status === 'banned' ? ' · banned' : ''}
              {m.mutedUntil ? ` · muted until ${formatDateTime(m.mutedUntil)}` : ''}
            </span>
          </li>
        ))}
      </ul>
      <MoreButton list={list} what="members" />
    </>
  );
}

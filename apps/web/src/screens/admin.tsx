import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import {
  client,
  formatDateTime,
  ok,
  type AuditEntry,
  type Schema,
  type Agreement,
  type Clause,
  type Coverage,
  type Group,
  type Member,
  type Moderation,
  type Question,
} from '../api';
import { useSession } from '../session';
import { ErrorMessage, Field, LoadError, Loading, PageTitle, Select, Status, useAnnounce } from '../ui';
import { useAgreement, useGroup, useResources } from '../queries';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

const DEFAULT_MODERATION: Moderation = {
  mode: 'first-posts',
  firstPostsHeld: 1,
  reviewSlaMinutes: 60,
  urgentSlaMinutes: 10,
  reportsToHide: 2,
  coverage: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '08:00', to: '22:00' }],
  timezone: 'Europe/London',
  outOfCoverage: 'pre',
};

function AdminsOnly() {
  return <p>Only platform admins can see this page.</p>;
}

interface GroupDraft {
  slug: string;
  name: string;
  description: string;
  condition: string;
  minAge: string;
  maxAge: string;
  questions: Question[];
  moderation: Moderation;
  slowModeSeconds: string;
}

const draftOf = (g?: Group): GroupDraft => ({
  slug: g?.slug ?? '',
  name: g?.name ?? '',
  description: g?.description ?? '',
  condition: g?.condition ?? '',
  minAge: String(g?.eligibility.minAge ?? 18),
  maxAge: g?.eligibility.maxAge ? String(g.eligibility.maxAge) : '',
  questions: g?.eligibility.questions ?? [{ key: 'diagnosis', prompt: 'Do you live with this condition?', required: true, expected: 'yes' }],
  moderation: g?.moderation ?? DEFAULT_MODERATION,
  slowModeSeconds: String(g?.slowModeSeconds ?? 0),
});

function GroupForm({ group, onSaved }: { group?: Group; onSaved: (g: Group) => void }) {
  const [d, setD] = useState<GroupDraft>(() => draftOf(group));
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  // A newer copy of the group (saved here, or fetched again) replaces the draft.
  const [drafted, setDrafted] = useState(group);
  if (group !== drafted) {
    setDrafted(group);
    setD(draftOf(group));
  }
  const set = <K extends keyof GroupDraft>(key: K, value: GroupDraft[K]) => setD((x) => ({ ...x, [key]: value }));
  const setMod = <K extends keyof Moderation>(key: K, value: Moderation[K]) => setD((x) => ({ ...x, moderation: { ...x.moderation, [key]: value } }));
  const setQuestion = (i: number, patch: Partial<Question>) =>
    set(
      'questions',
      d.questions.map((q, j) => (i === j ? { ...q, ...patch } : q)),
    );
  const setCoverage = (i: number, patch: Partial<Coverage>) =>
    setMod(
      'coverage',
      d.moderation.coverage.map((c, j) => (i === j ? { ...c, ...patch } : c)),
    );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setSaved(false);
    const eligibility: Record<string, unknown> = {
      questions: d.questions.map((q) => {
        const out: Record<string, unknown> = { key: q.key, prompt: q.prompt, required: q.required };
        if (q.expected) out.expected = q.expected;
        return out;
      }),
    };
    if (d.minAge) eligibility.minAge = Number(d.minAge);
    if (d.maxAge) eligibility.maxAge = Number(d.maxAge);
    const m = d.moderation;
    const body: Schema<'UpdateGroupDto'> = {
      name: d.name,
      description: d.description,
      condition: d.condition,
      eligibility,
      moderation: {
        mode: m.mode,
        firstPostsHeld: Number(m.firstPostsHeld),
        reviewSlaMinutes: Number(m.reviewSlaMinutes),
        urgentSlaMinutes: Number(m.urgentSlaMinutes),
        reportsToHide: Number(m.reportsToHide),
        coverage: m.coverage,
        timezone: m.timezone,
        outOfCoverage: m.outOfCoverage,
      },
      slowModeSeconds: Number(d.slowModeSeconds || 0),
    };
    try {
      const answer = group
        ? await ok(client.PATCH('/groups/{groupId}', { params: { path: { groupId: group.id } }, body }))
        : await ok(client.POST('/groups', { body: { ...body, slug: d.slug, name: d.name, description: d.description, condition: d.condition } }));
      setSaved(true);
      onSaved(answer);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      <ErrorMessage error={error} />
      {saved ? <Status>Saved.</Status> : null}
      {!group ? (
        <Field
          label="Short web name"
          hint="Lower-case letters, numbers and dashes, for example kidney-18-30."
          value={d.slug}
          onChange={(v) => set('slug', v)}
          required
        />
      ) : null}
      <Field label="Group name" value={d.name} onChange={(v) => set('name', v)} required />
      <Field label="Description" multiline rows={3} value={d.description} onChange={(v) => set('description', v)} required />
      <Field label="Condition" value={d.condition} onChange={(v) => set('condition', v)} required />
      <fieldset>
        <legend>Who can join</legend>
        <Field label="Youngest age" type="number" inputMode="numeric" value={d.minAge} onChange={(v) => set('minAge', v)} />
        <Field label="Oldest age" type="number" inputMode="numeric" value={d.maxAge} onChange={(v) => set('maxAge', v)} />
        {d.questions.map((q, i) => (
          <fieldset key={i} className="nested">
            <legend>Question {i + 1}</legend>
            <Field label="Key" hint="A short name for the answer, for example diagnosis." value={q.key} onChange={(v) => setQuestion(i, { key: v })} required />
            <Field label="Question" value={q.prompt} onChange={(v) => setQuestion(i, { prompt: v })} required />
            <Field
              label="Expected answer"
              hint="An answer that differs is shown to the supporter; it does not reject."
              value={q.expected ?? ''}
              onChange={(v) => setQuestion(i, { expected: v })}
            />
            <div className="checkbox">
              <input id={`q-${i}-required`} type="checkbox" checked={q.required} onChange={(e) => setQuestion(i, { required: e.target.checked })} />
              <label htmlFor={`q-${i}-required`}>An answer is required</label>
            </div>
            <button
              type="button"
              className="secondary small"
              onClick={() =>
                set(
                  'questions',
                  d.questions.filter((_, j) => j !== i),
                )
              }
            >
              Remove question {i + 1}
            </button>
          </fieldset>
        ))}
        <button type="button" className="secondary" onClick={() => set('questions', [...d.questions, { key: '', prompt: '', required: false }])}>
          Add a question
        </button>
      </fieldset>
      <fieldset>
        <legend>Moderation</legend>
        <Select
          label="Moderation mode"
          value={d.moderation.mode}
          onChange={(v) => setMod('mode', v as Moderation['mode'])}
          options={[
            ['post', 'Publish after checks, review later'],
            ['first-posts', 'Hold a new member’s first posts'],
            ['pre', 'A supporter approves every post'],
          ]}
        />
        <Field
          label="First posts held"
          type="number"
          inputMode="numeric"
          value={String(d.moderation.firstPostsHeld)}
          onChange={(v) => setMod('firstPostsHeld', Number(v))}
          required
        />
        <Field
          label="Review deadline, in minutes"
          type="number"
          inputMode="numeric"
          value={String(d.moderation.reviewSlaMinutes)}
          onChange={(v) => setMod('reviewSlaMinutes', Number(v))}
          required
        />
        <Field
          label="Urgent review deadline, in minutes"
          type="number"
          inputMode="numeric"
          value={String(d.moderation.urgentSlaMinutes)}
          onChange={(v) => setMod('urgentSlaMinutes', Number(v))}
          required
        />
        <Field
          label="Reports before an item is hidden"
          type="number"
          inputMode="numeric"
          value={String(d.moderation.reportsToHide)}
          onChange={(v) => setMod('reportsToHide', Number(v))}
          required
        />
        <Field
          label="Slow mode, seconds between messages"
          type="number"
          inputMode="numeric"
          value={d.slowModeSeconds}
          onChange={(v) => set('slowModeSeconds', v)}
        />
      </fieldset>
      <fieldset>
        <legend>Supporter cover</legend>
        <Field label="Time zone" hint="For example Europe/London." value={d.moderation.timezone} onChange={(v) => setMod('timezone', v)} required />
        {d.moderation.coverage.map((c, i) => (
          <fieldset key={i} className="nested">
            <legend>Cover period {i + 1}</legend>
            <div className="days">
              {DAYS.map((day, k) => (
                <span key={day} className="checkbox inline">
                  <input
                    id={`cover-${i}-${k}`}
                    type="checkbox"
                    checked={c.days.includes(k + 1)}
                    onChange={(e) => setCoverage(i, { days: e.target.checked ? [...c.days, k + 1].sort() : c.days.filter((x) => x !== k + 1) })}
                  />
                  <label htmlFor={`cover-${i}-${k}`}>{day}</label>
                </span>
              ))}
            </div>
            <Field label="From (HH:MM)" value={c.from} onChange={(v) => setCoverage(i, { from: v })} required />
            <Field label="To (HH:MM)" value={c.to} onChange={(v) => setCoverage(i, { to: v })} required />
            <button
              type="button"
              className="secondary small"
              onClick={() =>
                setMod(
                  'coverage',
                  d.moderation.coverage.filter((_, j) => j !== i),
                )
              }
            >
              Remove cover period {i + 1}
            </button>
          </fieldset>
        ))}
        <button
          type="button"
          className="secondary"
          onClick={() => setMod('coverage', [...d.moderation.coverage, { days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }])}
        >
          Add a cover period
        </button>
        <Select
          label="When nobody is on cover"
          value={d.moderation.outOfCoverage}
          onChange={(v) => setMod('outOfCoverage', v as Moderation['outOfCoverage'])}
          options={[
            ['pre', 'Hold everything until cover resumes'],
            ['readonly', 'Read only: no new posts'],
            ['post', 'Publish after checks, review later'],
          ]}
        />
      </fieldset>
      <button type="submit">{group ? 'Save group' : 'Create group'}</button>
    </form>
  );
}

export function NewGroup() {
  const { me } = useSession();
  const navigate = useNavigate();
  return (
    <>
      <PageTitle>Create a group</PageTitle>
      {me?.isAdmin ? <GroupForm onSaved={(g) => navigate(`/community/${g.id}/settings`)} /> : <AdminsOnly />}
    </>
  );
}

function AgreementEditor({ groupId }: { groupId: string }) {
  const current = useAgreement(groupId);
  const [clauses, setClauses] = useState<Clause[]>([]);
  const [error, setError] = useState<unknown>();
  const [published, setPublished] = useState<number>();
  const announce = useAnnounce();
  // Each version loaded (the current one, then each one published) becomes the starting point.
  const [loaded, setLoaded] = useState<Agreement>();
  if (current.data && current.data !== loaded) {
    setLoaded(current.data);
    setClauses(current.data.clauses);
  }
  const setClause = (i: number, patch: Partial<Clause>) => setClauses((cs) => cs.map((c, j) => (i === j ? { ...c, ...patch } : c)));
  const publish = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const answer = await ok(client.PUT('/groups/{groupId}/agreement', { params: { path: { groupId } }, body: { clauses } }));
      setPublished(answer.version);
      announce(`Version ${answer.version} published.`);
      void current.refetch();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section aria-labelledby="agreement-editor">
      <h2 id="agreement-editor">Group agreement</h2>
      {current.data ? <p>The current version is {current.data.version}. Publishing a new version asks everyone in the group to accept it again.</p> : null}
      {published ? <Status>Version {published} is published. Members will be asked to accept it.</Status> : null}
      <form onSubmit={publish} noValidate>
        <ErrorMessage error={error ?? current.error} />
        {clauses.map((c, i) => (
          <fieldset key={i} className="nested">
            <legend>Clause {i + 1}</legend>
            <Field label="Key" hint="Used when a decision cites this clause." value={c.key} onChange={(v) => setClause(i, { key: v })} required />
            <Field label="Title" value={c.title} onChange={(v) => setClause(i, { title: v })} required />
            <Field label="Text" multiline rows={3} value={c.text} onChange={(v) => setClause(i, { text: v })} required />
            <button type="button" className="secondary small" onClick={() => setClauses((cs) => cs.filter((_, j) => j !== i))}>
              Remove clause {i + 1}
            </button>
          </fieldset>
        ))}
        <button type="button" className="secondary" onClick={() => setClauses((cs) => [...cs, { key: '', title: '', text: '' }])}>
          Add a clause
        </button>{' '}
        <button type="submit">Publish new version</button>
      </form>
    </section>
  );
}

function Rules({ groupId }: { groupId: string }) {
  const rules = useQuery({
    queryKey: ['rules', groupId],
    queryFn: async () => (await ok(client.GET('/groups/{groupId}/rules', { params: { path: { groupId } } }))).items,
  });
  const [pattern, setPattern] = useState('');
  const [matchKind, setMatchKind] = useState('word');
  const [action, setAction] = useState('hold');
  const [clauseKey, setClauseKey] = useState('');
  const [error, setError] = useState<unknown>();
  const add = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const body: Schema<'RuleDto'> = { pattern, match: matchKind as Schema<'RuleDto'>['match'], action: action as Schema<'RuleDto'>['action'] };
      if (clauseKey.trim()) body.clauseKey = clauseKey.trim();
      await ok(client.POST('/groups/{groupId}/rules', { params: { path: { groupId } }, body }));
      setPattern('');
      void rules.refetch();
    } catch (e) {
      setError(e);
    }
  };
  const remove = async (id: string) => {
    await ok(client.DELETE('/groups/{groupId}/rules/{ruleId}', { params: { path: { groupId, ruleId: id } } })).catch(setError);
    void rules.refetch();
  };
  return (
    <section aria-labelledby="rules-title">
      <h2 id="rules-title">Watched words</h2>
      <ErrorMessage error={error ?? rules.error} />
      <ul className="plain">
        {rules.data?.map((r) => (
          <li key={r.id}>
            “{r.pattern}” ({r.match}) → {r.action}
            {r.clauseKey ? `, clause ${r.clauseKey}` : ''}{' '}
            <button type="button" className="secondary small" onClick={() => void remove(r.id)}>
              Delete<span className="visually-hidden"> rule {r.pattern}</span>
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={add} noValidate>
        <Field label="Word, phrase or pattern" value={pattern} onChange={setPattern} required />
        <Select
          label="Match as"
          value={matchKind}
          onChange={setMatchKind}
          options={[
            ['word', 'A whole word'],
            ['phrase', 'A phrase'],
            ['regex', 'A regular expression'],
          ]}
        />
        <Select
          label="What happens"
          value={action}
          onChange={setAction}
          options={[
            ['hold', 'Hold for a supporter'],
            ['block', 'Block it'],
            ['flag', 'Publish, and flag for review'],
            ['mask', 'Hide the word, then publish'],
          ]}
        />
        <Field label="Agreement clause key" value={clauseKey} onChange={setClauseKey} />
        <button type="submit">Add rule</button>
      </form>
    </section>
  );
}

function Resources({ groupId }: { groupId: string }) {
  const list = useResources(groupId);
  const [r, setR] = useState({ kind: 'clinical', title: '', description: '', phone: '', sms: '', url: '', hours: '' });
  const [error, setError] = useState<unknown>();
  const add = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      // Fields left empty are left out.
      const body = { ...Object.fromEntries(Object.entries(r).filter(([, v]) => v !== '')), kind: r.kind, title: r.title } as Schema<'CreateResourceDto'>;
      await ok(client.POST('/groups/{groupId}/resources', { params: { path: { groupId } }, body }));
      setR({ kind: 'clinical', title: '', description: '', phone: '', sms: '', url: '', hours: '' });
      void list.refetch();
    } catch (e) {
      setError(e);
    }
  };
  const remove = async (id: string) => {
    await ok(client.DELETE('/groups/{groupId}/resources/{resourceId}', { params: { path: { groupId, resourceId: id } } })).catch(setError);
    void list.refetch();
  };
  const set = (key: keyof typeof r) => (v: string) => setR((x) => ({ ...x, [key]: v }));
  return (
    <section aria-labelledby="resources-title">
      <h2 id="resources-title">Signposting directory</h2>
      <ErrorMessage error={error ?? list.error} />
      <ul className="plain">
        {list.data?.map((x) => (
          <li key={x.id ?? x.title}>
            {x.title} ({x.kind}){' '}
            {x.id ? (
              <button type="button" className="secondary small" onClick={() => void remove(x.id!)}>
                Delete<span className="visually-hidden"> {x.title}</span>
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      <form onSubmit={add} noValidate>
        <Select
          label="Kind"
          value={r.kind}
          onChange={set('kind')}
          options={[
            ['crisis', 'Crisis'],
            ['clinical', 'Clinical'],
            ['peer', 'Peer support'],
            ['information', 'Information'],
          ]}
        />
        <Field label="Title" value={r.title} onChange={set('title')} required />
        <Field label="Description" value={r.description} onChange={set('description')} required />
        <Field label="Phone" type="tel" value={r.phone} onChange={set('phone')} />
        <Field label="Text number" value={r.sms} onChange={set('sms')} />
        <Field label="Website" type="url" value={r.url} onChange={set('url')} />
        <Field label="Opening hours" value={r.hours} onChange={set('hours')} />
        <button type="submit">Add resource</button>
      </form>
    </section>
  );
}

function ReferralCodes({ groupId }: { groupId: string }) {
  const [label, setLabel] = useState('');
  const [maxUses, setMaxUses] = useState('20');
  const [expires, setExpires] = useState(() => new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10));
  const [issued, setIssued] = useState<Array<{ code: string; label: string; maxUses: number; expiresAt: string }>>([]);
  const [error, setError] = useState<unknown>();
  const issue = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const code = await ok(
        client.POST('/groups/{groupId}/referral-codes', {
          params: { path: { groupId } },
          body: { label, maxUses: Number(maxUses), expiresAt: new Date(`${expires}T23:59:59Z`).toISOString() },
        }),
      );
      setIssued((list) => [code, ...list]);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section aria-labelledby="codes-title">
      <h2 id="codes-title">Referral codes</h2>
      <p>Give a code to a clinical team: people who apply with it are let in at once.</p>
      <form onSubmit={issue} noValidate>
        <ErrorMessage error={error} />
        <Field label="Who it is for" hint="For example, Leeds renal unit." value={label} onChange={setLabel} required />
        <Field label="How many people can use it" type="number" inputMode="numeric" value={maxUses} onChange={setMaxUses} required />
        <Field label="Valid until" type="date" value={expires} onChange={setExpires} required />
        <button type="submit">Create code</button>
      </form>
      <ul className="plain">
        {issued.map((c) => (
          <li key={c.code}>
            <code>{c.code}</code> — {c.label}, up to {c.maxUses} people, until {formatDateTime(c.expiresAt)}
          </li>
        ))}
      </ul>
    </section>
  );
}

const useMembers = (groupId: string) =>
  useQuery({
    queryKey: ['members', groupId],
    queryFn: async () => (await ok(client.GET('/groups/{groupId}/members', { params: { path: { groupId }, query: { limit: 100 } } }))).items,
  });

function Supporters({ groupId }: { groupId: string }) {
  const members = useMembers(groupId);
  const [error, setError] = useState<unknown>();
  const toggle = async (m: Member) => {
    setError(undefined);
    try {
      const where = { params: { path: { groupId, userId: m.userId } } };
      await ok(
        m.role === 'supporter' ? client.DELETE('/groups/{groupId}/supporters/{userId}', where) : client.PUT('/groups/{groupId}/supporters/{userId}', where),
      );
      void members.refetch();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section aria-labelledby="supporters-title">
      <h2 id="supporters-title">Members and supporters</h2>
      <ErrorMessage error={error ?? members.error} />
      <table>
        <caption className="visually-hidden">Members of this group</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Agreement</th>
            <th scope="col">
              <span className="visually-hidden">Change role</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {members.data?.map((m) => (
            <tr key={m.userId}>
              <td>{m.displayName}</td>
              <td>{m.role === 'supporter' ? 'Supporter' : 'Member'}</td>
              <td>{m.acceptedAgreementVersion ? `version ${m.acceptedAgreementVersion}` : 'not accepted'}</td>
              <td>
                <button type="button" className="secondary small" onClick={() => void toggle(m)}>
                  {m.role === 'supporter' ? 'Stop being a supporter' : 'Make supporter'}
                  <span className="visually-hidden"> ({m.displayName})</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Audit details as plain "key: value" text (ids only, as the log keeps them). */
function detailText(detail: unknown): string {
  if (!detail || typeof detail !== 'object') return '';
  return Object.entries(detail as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(', ');
}

function AuditLog({ groupId }: { groupId: string }) {
  const log = useQuery({
    queryKey: ['audit-log', groupId],
    queryFn: async () => (await ok(client.GET('/groups/{groupId}/audit-log', { params: { path: { groupId }, query: { limit: 50 } } }))).items,
  });
  // Names for the ids the log keeps; without them the ids are shown.
  const members = useMembers(groupId);
  const { me } = useSession();
  const who = (id: AuditEntry['actor']) => {
    if (!id) return 'Kindred (automatic)';
    if (id === me?.id) return 'You';
    return members.data?.find((m) => m.userId === id)?.displayName ?? `Someone (${id.slice(0, 8)})`;
  };
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      {log.isPending ? <Loading /> : null}
      {log.error ? <LoadError error={log.error} what="this group’s audit log" /> : null}
      {log.data && log.data.length === 0 ? <p>Nothing recorded yet.</p> : null}
      {log.data && log.data.length > 0 ? (
        <table>
          <caption className="visually-hidden">Latest audit entries</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">About</th>
            </tr>
          </thead>
          <tbody>
            {log.data.map((e) => (
              <tr key={e.id}>
                <td>{formatDateTime(e.at)}</td>
                <td>{who(e.actor)}</td>
                <td>{e.action}</td>
                <td>
                  {e.subjectType} {e.subjectId.slice(0, 8)}
                  {detailText(e.detail) ? ` (${detailText(e.detail)})` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

export function GroupSettings({ groupId }: { groupId: string }) {
  const { me } = useSession();
  const queryClient = useQueryClient();
  const group = useGroup(groupId);
  if (!me?.isAdmin)
    return (
      <>
        <PageTitle>Group settings</PageTitle>
        <AdminsOnly />
      </>
    );
  return (
    <>
      <PageTitle>Group settings</PageTitle>
      <nav aria-label="Settings sections" className="toc">
        <ul>
          <li>
            <a href="#group-details">Details and moderation</a>
          </li>
          <li>
            <a href="#agreement-editor">Agreement</a>
          </li>
          <li>
            <a href="#rules-title">Watched words</a>
          </li>
          <li>
            <a href="#resources-title">Signposting</a>
          </li>
          <li>
            <a href="#codes-title">Referral codes</a>
          </li>
          <li>
            <a href="#supporters-title">Supporters</a>
          </li>
          <li>
            <a href="#audit-title">Audit log</a>
          </li>
        </ul>
      </nav>
      <section aria-labelledby="group-details">
        <h2 id="group-details">Details and moderation</h2>
        {group.isPending ? <Loading /> : null}
        {group.error ? <LoadError error={group.error} what="this group" /> : null}
        {group.data && 'moderation' in group.data ? <GroupForm group={group.data} onSaved={(g) => queryClient.setQueryData(['group', groupId], g)} /> : null}
      </section>
      <AgreementEditor groupId={groupId} />
      <Rules groupId={groupId} />
      <Resources groupId={groupId} />
      <ReferralCodes groupId={groupId} />
      <Supporters groupId={groupId} />
      <AuditLog groupId={groupId} />
    </>
  );
}

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { NavLink, useNavigate, useParams } from 'react-router';
import {
  ApiError,
  client,
  formatDateTime,
  formatWhen,
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
import { ErrorMessage, Field, fieldError, LoadError, Loading, PageTitle, Select, Status, useAnnounce } from '../ui';
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
        : await ok(client.POST('/groups', { body: { ...body, slug: d.slug, name: d.name, description: d.description, condition: d.condition, draft: true } }));
      setSaved(true);
      onSaved(answer);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <form onSubmit={submit} noValidate>
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
      {/* The answer to saving is said where the button is, not a screen away. */}
      <div className="form-end">
        <ErrorMessage error={error} />
        {saved ? <Status>Saved. The group’s details and moderation are updated.</Status> : null}
        <button type="submit">{group ? 'Save details and moderation' : 'Create the group as a draft'}</button>
      </div>
    </form>
  );
}

export function NewGroup() {
  const { me } = useSession();
  const navigate = useNavigate();
  return (
    <>
      <PageTitle>Create a group</PageTitle>
      {me?.isAdmin ? (
        <p>
          A new group starts as a draft: nobody can find it or apply until you open it. Set up its agreement, signposting, supporters and referral codes first.
        </p>
      ) : null}
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
      <form onSubmit={publish} noValidate>
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
        </button>
        <div className="form-end">
          <ErrorMessage error={error ?? current.error} />
          {published ? <Status>Version {published} is published. Members will be asked to accept it.</Status> : null}
          <button type="submit">Publish new version</button>
        </div>
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
  const agreement = useAgreement(groupId);
  const [clauseKey, setClauseKey] = useState('');
  const [error, setError] = useState<unknown>();
  const [added, setAdded] = useState<string>();
  const titleOf = (key: string | null | undefined) => agreement.data?.clauses.find((c) => c.key === key)?.title;
  const add = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setAdded(undefined);
    try {
      const body: Schema<'RuleDto'> = { pattern, match: matchKind as Schema<'RuleDto'>['match'], action: action as Schema<'RuleDto'>['action'] };
      if (clauseKey) body.clauseKey = clauseKey;
      await ok(client.POST('/groups/{groupId}/rules', { params: { path: { groupId } }, body }));
      // Each rule starts afresh: the next one must not inherit this one's clause.
      setAdded(pattern);
      setPattern('');
      setClauseKey('');
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
      {rules.error ? <LoadError error={rules.error} what="the watched words" /> : null}
      <ul className="plain">
        {rules.data?.map((r) => (
          <li key={r.id}>
            “{r.pattern}” ({r.match}) → {r.action}
            {r.clauseKey ? `, citing “${titleOf(r.clauseKey) ?? 'a clause no longer in the agreement'}”` : ''}{' '}
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
        <Select
          label="The part of the agreement it protects"
          hint="Cited to the member when the rule holds or blocks what they wrote."
          value={clauseKey}
          onChange={setClauseKey}
          options={[['', 'None'], ...(agreement.data?.clauses ?? []).map((c): [string, string] => [c.key, c.title])]}
        />
        <div className="form-end">
          <ErrorMessage error={error} />
          {added ? <Status>The rule for “{added}” is added.</Status> : null}
          <button type="submit">Add rule</button>
        </div>
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
  const [error, setError] = useState<unknown>();
  const [said, setSaid] = useState<string>();
  const codes = useQuery({
    queryKey: ['referral-codes', groupId],
    queryFn: () => ok(client.GET('/groups/{groupId}/referral-codes', { params: { path: { groupId } } })),
  });
  const issue = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setSaid(undefined);
    try {
      const code = await ok(
        client.POST('/groups/{groupId}/referral-codes', {
          params: { path: { groupId } },
          body: { label, maxUses: Number(maxUses), expiresAt: new Date(`${expires}T23:59:59Z`).toISOString() },
        }),
      );
      setSaid(`Code ${code.code} is ready for ${code.label}.`);
      setLabel('');
      void codes.refetch();
    } catch (e) {
      setError(e);
    }
  };
  const revoke = async (id: string, forWhom: string) => {
    setError(undefined);
    setSaid(undefined);
    try {
      await ok(client.DELETE('/groups/{groupId}/referral-codes/{codeId}', { params: { path: { groupId, codeId: id } } }));
      setSaid(`The code for ${forWhom} is revoked: it lets nobody in from now on.`);
      void codes.refetch();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section aria-labelledby="codes-title">
      <h2 id="codes-title">Referral codes</h2>
      <p>Give a code to a clinical team: people who apply with it are let in at once.</p>
      {codes.error ? <LoadError error={codes.error} what="the referral codes" /> : null}
      {codes.data && codes.data.length === 0 ? <p>No codes yet.</p> : null}
      {codes.data && codes.data.length > 0 ? (
        // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex -- a sideways-scrolling table must be reachable by keyboard
        <table className="codes" tabIndex={0} aria-labelledby="codes-title">
          <caption className="visually-hidden">Referral codes</caption>
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col">For</th>
              <th scope="col">Used</th>
              <th scope="col">Valid until</th>
              <th scope="col">
                <span className="visually-hidden">Revoke</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {codes.data.map((c) => (
              <tr key={c.id}>
                <td>
                  <code>{c.code}</code>
                </td>
                <td>{c.label}</td>
                <td>
                  {c.uses} of {c.maxUses}
                </td>
                <td>{c.revokedAt ? `Revoked ${formatDateTime(c.revokedAt)}` : formatDateTime(c.expiresAt)}</td>
                <td>
                  {c.revokedAt ? null : (
                    <button type="button" className="secondary small" onClick={() => void revoke(c.id, c.label)}>
                      Revoke<span className="visually-hidden"> the code for {c.label}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <form onSubmit={issue} noValidate>
        <Field label="Who it is for" hint="For example, Leeds renal unit." value={label} onChange={setLabel} required error={fieldError(error, 'label')} />
        <Field
          label="How many people can use it"
          type="number"
          inputMode="numeric"
          value={maxUses}
          onChange={setMaxUses}
          required
          error={fieldError(error, 'maxUses')}
        />
        <Field label="Valid until" type="date" value={expires} onChange={setExpires} required error={fieldError(error, 'expiresAt')} />
        <div className="form-end">
          <ErrorMessage error={error} fields={['label', 'maxUses', 'expiresAt']} />
          {said ? <Status>{said}</Status> : null}
          <button type="submit">Create code</button>
        </div>
      </form>
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
  const [said, setSaid] = useState<string>();
  const [email, setEmail] = useState('');
  const [emailState, setEmailState] = useState<{ error?: unknown; done?: string; noAccount?: string }>({});
  const invitations = useQuery({
    queryKey: ['supporter-invitations', groupId],
    queryFn: async () => (await ok(client.GET('/groups/{groupId}/supporter-invitations', { params: { path: { groupId } } }))).items,
  });
  const invite = async (address: string) => {
    setEmailState({});
    try {
      await ok(client.POST('/groups/{groupId}/supporter-invitations', { params: { path: { groupId } }, body: { email: address } }));
      setEmailState({ done: `An invitation is on its way to ${address}. Its link works once, for 7 days.` });
      setEmail('');
      void invitations.refetch();
    } catch (e) {
      setEmailState({ error: e });
    }
  };
  const revokeInvitation = async (id: string, address: string) => {
    setEmailState({});
    try {
      await ok(client.DELETE('/groups/{groupId}/supporter-invitations/{invitationId}', { params: { path: { groupId, invitationId: id } } }));
      setEmailState({ done: `The invitation to ${address} is revoked: its link no longer works.` });
      void invitations.refetch();
    } catch (e) {
      setEmailState({ error: e });
    }
  };
  const toggle = async (m: Member) => {
    setError(undefined);
    setSaid(undefined);
    try {
      const where = { params: { path: { groupId, userId: m.userId } } };
      await ok(
        m.role === 'supporter' ? client.DELETE('/groups/{groupId}/supporters/{userId}', where) : client.PUT('/groups/{groupId}/supporters/{userId}', where),
      );
      setSaid(m.role === 'supporter' ? `${m.displayName} is a member again.` : `${m.displayName} is now a supporter.`);
      void members.refetch();
    } catch (e) {
      setError(e);
    }
  };
  const appoint = async (event: FormEvent) => {
    event.preventDefault();
    setEmailState({});
    try {
      await ok(client.POST('/groups/{groupId}/supporters', { params: { path: { groupId } }, body: { email } }));
      setEmailState({ done: `The account with ${email} is now a supporter of this group.` });
      setEmail('');
      void members.refetch();
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) setEmailState({ noAccount: email });
      else setEmailState({ error: e });
    }
  };
  return (
    <section aria-labelledby="supporters-title">
      <h2 id="supporters-title">Members and supporters</h2>
      <h3>Appoint a supporter by email</h3>
      <p>Anyone with a Kindred account can be appointed, whether or not they are a member. They do not need to apply.</p>
      <form onSubmit={appoint} noValidate>
        <Field label="Their email address" type="email" value={email} onChange={setEmail} required error={fieldError(emailState.error, 'email')} />
        <div className="form-end">
          <ErrorMessage error={emailState.error} fields={['email']} />
          {emailState.done ? <Status>{emailState.done}</Status> : null}
          {emailState.noAccount ? (
            <Status>
              <p>No confirmed Kindred account uses {emailState.noAccount}. You can invite them: they get a mail with a link to create an account and accept.</p>
              <button type="button" className="secondary" onClick={() => void invite(emailState.noAccount!)}>
                Send an invitation
              </button>
            </Status>
          ) : null}
          <button type="submit">Appoint as supporter</button>
        </div>
      </form>
      <h3>Invitations</h3>
      <p>The mail names neither this group nor its condition. Whoever accepts becomes a supporter of this group only.</p>
      {invitations.error ? <LoadError error={invitations.error} what="the invitations" /> : null}
      {invitations.data && invitations.data.length === 0 ? <p>No invitations yet.</p> : null}
      {invitations.data && invitations.data.length > 0 ? (
        <ul className="invitations">
          {invitations.data.map((i) => (
            <li key={i.id}>
              {i.status === 'accepted'
                ? `Accepted by ${i.acceptedBy?.displayName ?? 'a former member'} ${formatWhen(i.acceptedAt)}`
                : `${i.email}: ${
                    i.status === 'pending' ? `waiting, the link works until ${formatWhen(i.expiresAt)}` : i.status === 'revoked' ? 'revoked' : 'ran out'
                  }`}
              {i.status === 'pending' ? (
                <>
                  {' '}
                  <button type="button" className="secondary small" onClick={() => void revokeInvitation(i.id, i.email ?? '')}>
                    Revoke<span className="visually-hidden"> the invitation to {i.email}</span>
                  </button>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      <h3>Members</h3>
      {members.error ? <LoadError error={members.error} what="the members" /> : null}
      <ErrorMessage error={error} />
      {said ? <Status>{said}</Status> : null}
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

/** What an audit entry's action means. */
const ACTIONS: Record<string, string> = {
  'group.create': 'Created the group',
  'group.open': 'Opened the group',
  'group.settings': 'Changed the group’s settings',
  'agreement.publish': 'Published a new agreement',
  'supporter.appoint': 'Appointed a supporter',
  'supporter.remove': 'Made a supporter a member again',
  'supporter.invite': 'Invited a supporter by email',
  'supporter.invitation-revoke': 'Revoked a supporter invitation',
  'supporter.invitation-accept': 'Accepted an invitation to be a supporter',
  'referral-code.create': 'Created a referral code',
  'referral-code.revoke': 'Revoked a referral code',
  'topic.pin': 'Pinned a topic',
  'topic.unpin': 'Unpinned a topic',
};
export const actionText = (action: string) => ACTIONS[action] ?? action.replace(/[.-]/g, ' ').replace(/^./, (c) => c.toUpperCase());

/** A setting's value, shortly. */
function valueText(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (typeof value === 'object') {
    if (Array.isArray(value)) return `${value.length} item${value.length === 1 ? '' : 's'}`;
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.clauses)) return `version ${String(v.version)}, ${v.clauses.length} clauses`;
    return 'changed';
  }
  return String(value);
}

/** "slowModeSeconds: 0 → 30" for each setting that changed; plain "key: value" for the other details. */
function detailText(detail: unknown): string {
  if (!detail || typeof detail !== 'object') return '';
  const d = detail as Record<string, unknown>;
  if ('before' in d || 'after' in d) {
    const before = (d.before ?? {}) as Record<string, unknown>;
    const after = (d.after ?? {}) as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    if (d.before === null) return `now: ${keys.map((k) => `${k} ${valueText(after[k])}`).join(', ')}`;
    return keys.map((k) => `${k}: ${valueText(before[k])} → ${valueText(after[k])}`).join(', ');
  }
  return Object.entries(d)
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
        // On a narrow screen the table scrolls sideways: focusable, so a keyboard can scroll it too (WCAG 2.1.1).
        // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
        <table className="audit" tabIndex={0} aria-labelledby="audit-title">
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
                <td>{actionText(e.action)}</td>
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

/** The settings, one section per page: each fits a screen and is saved on its own. */
export const SETTINGS_SECTIONS: Array<[string, string]> = [
  ['details', 'Details and moderation'],
  ['agreement', 'Agreement'],
  ['watched-words', 'Watched words'],
  ['signposting', 'Signposting'],
  ['referral-codes', 'Referral codes'],
  ['supporters', 'Supporters'],
  ['audit-log', 'Audit log'],
];

/** A draft says so, with the button that opens it. */
function DraftStatus({ group, onOpened }: { group: Group; onOpened: (g: Group) => void }) {
  const [error, setError] = useState<unknown>();
  const [opened, setOpened] = useState(false);
  if (!group.draft) return opened ? <Status>The group is open: it is in the directory and people can apply.</Status> : null;
  const open = async () => {
    setError(undefined);
    try {
      onOpened(await ok(client.POST('/groups/{groupId}/open', { params: { path: { groupId: group.id } } })));
      setOpened(true);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div className="message info draft-status">
      <p>
        <strong>This group is a draft.</strong> Nobody can find it or apply yet. Open it when its agreement, signposting and supporters are ready.
      </p>
      <ErrorMessage error={error} />
      <button type="button" onClick={() => void open()}>
        Open the group
      </button>
    </div>
  );
}

export function GroupSettings({ groupId }: { groupId: string }) {
  const { me } = useSession();
  const { section = 'details' } = useParams();
  const queryClient = useQueryClient();
  const group = useGroup(groupId);
  const title = SETTINGS_SECTIONS.find(([key]) => key === section)?.[1];
  if (!me?.isAdmin)
    return (
      <>
        <PageTitle>Group settings</PageTitle>
        <AdminsOnly />
      </>
    );
  const base = `/community/${groupId}/settings`;
  const saved = (g: Group) => queryClient.setQueryData(['group', groupId], g);
  return (
    <>
      <PageTitle>{title ? `Group settings: ${title}` : 'Group settings'}</PageTitle>
      <nav aria-label="Settings sections" className="settings-tabs">
        <ul>
          {SETTINGS_SECTIONS.map(([key, label]) => (
            <li key={key}>
              <NavLink to={key === 'details' ? base : `${base}/${key}`} end>
                {label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      {group.data && 'moderation' in group.data ? <DraftStatus group={group.data} onOpened={saved} /> : null}
      {!title ? <p>There is no such section. Choose one above.</p> : null}
      {section === 'details' ? (
        <section aria-labelledby="group-details">
          <h2 id="group-details">Details and moderation</h2>
          {group.isPending ? <Loading /> : null}
          {group.error ? <LoadError error={group.error} what="this group" /> : null}
          {group.data && 'moderation' in group.data ? <GroupForm group={group.data} onSaved={saved} /> : null}
        </section>
      ) : null}
      {section === 'agreement' ? <AgreementEditor groupId={groupId} /> : null}
      {section === 'watched-words' ? <Rules groupId={groupId} /> : null}
      {section === 'signposting' ? <Resources groupId={groupId} /> : null}
      {section === 'referral-codes' ? <ReferralCodes groupId={groupId} /> : null}
      {section === 'supporters' ? <Supporters groupId={groupId} /> : null}
      {section === 'audit-log' ? <AuditLog groupId={groupId} /> : null}
    </>
  );
}

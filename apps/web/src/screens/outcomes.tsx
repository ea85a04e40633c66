import { useQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ApiError, client, formatDateTime, ok, tokenStore } from '../api';
import type { components } from '../api/schema';
import { activityChart, allWithheld, figure, membersChart, moderationChart, outcomeCharts, WITHHELD, type ChartPoint, type ImpactReport } from '../impact-data';
import { queryClient } from '../queries';
import { useSession } from '../session';
import { ErrorMessage, Field, LoadError, Loading, PageTitle, Select, Status } from '../ui';

type Questionnaire = components['schemas']['QuestionnaireResponse'];
type Measure = components['schemas']['MeasureResponse'];

const thisMonth = () => new Date().toISOString().slice(0, 7);
const monthsBefore = (month: string, n: number) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 - n, 1));
  return d.toISOString().slice(0, 7);
};

/** Whether the caller may read the impact report (admins and commissioners); quietly false for everyone else. */
export function useImpactAccess(enabled: boolean) {
  return useQuery({
    queryKey: ['impact-access'],
    queryFn: () => ok(client.GET('/impact/access')),
    enabled,
    retry: false,
    staleTime: 5 * 60_000,
  });
}

function useReportQuery() {
  const [params, setParams] = useSearchParams();
  const query = { groupId: params.get('groupId') ?? '', from: params.get('from') ?? monthsBefore(thisMonth(), 11), to: params.get('to') ?? thisMonth() };
  const set = (next: Partial<typeof query>) => setParams(Object.fromEntries(Object.entries({ ...query, ...next }).filter(([, v]) => v)));
  return { query, set };
}

function useReport(query: { groupId: string; from: string; to: string }, enabled: boolean) {
  return useQuery({
    queryKey: ['impact-report', query],
    queryFn: () => ok(client.GET('/impact/report', { params: { query: { ...query, groupId: query.groupId || undefined } } })),
    enabled,
    retry: false,
  });
}

/** A chart with its figures as a table beside it, so every number can be read without the picture. */
function ChartFigure({ title, points, kind, unit = '', children }: { title: string; points: ChartPoint[]; kind: 'bar' | 'line'; unit?: string; children?: ReactNode }) {
  const id = useId();
  const series = Object.keys(points[0] ?? {}).filter((k) => k !== 'label');
  const colours = ['#1d5e8c', '#b4561b', '#4b7b2c'];
  return (
    <figure className="impact-figure" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>{title}</figcaption>
      {children}
      {allWithheld(points) ? (
        <p className="hint">Every figure here rests on fewer than 10 people, so none is shown.</p>
      ) : (
        <div className="impact-chart" aria-hidden="true">
          <ResponsiveContainer width="100%" height={240}>
            {kind === 'line' ? (
              <LineChart data={points} accessibilityLayer={false}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="label" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Legend />
                {series.map((s, i) => (
                  <Line key={s} type="monotone" dataKey={s} stroke={colours[i % colours.length]} connectNulls={false} isAnimationActive={false} />
                ))}
              </LineChart>
            ) : (
              <BarChart data={points} accessibilityLayer={false}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="label" />
                <YAxis />
                <Tooltip />
                <Legend />
                {series.map((s, i) => (
                  <Bar key={s} dataKey={s} fill={colours[i % colours.length]} isAnimationActive={false} />
                ))}
              </BarChart>
            )}
          </ResponsiveContainer>
        </div>
      )}
      <FigureTable points={points} unit={unit} />
    </figure>
  );
}

function FigureTable({ points, unit = '' }: { points: ChartPoint[]; unit?: string }) {
  const series = Object.keys(points[0] ?? {}).filter((k) => k !== 'label');
  return (
    <table className="impact-table">
      <thead>
        <tr>
          <th scope="col">Period</th>
          {series.map((s) => (
            <th key={s} scope="col">
              {s}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {points.map((p) => (
          <tr key={String(p.label)}>
            <th scope="row">{p.label}</th>
            {series.map((s) => (
              <td key={s}>{figure(p[s] as number | null, unit)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ReportBody({ report, charts }: { report: ImpactReport; charts: boolean }) {
  const Section = charts ? ChartFigure : ({ title, points, unit }: { title: string; points: ChartPoint[]; kind: 'bar' | 'line'; unit?: string }) => (
    <section className="impact-figure">
      <h3>{title}</h3>
      <FigureTable points={points} unit={unit} />
    </section>
  );
  const timeliness: ChartPoint[] = report.moderation.map((r) => ({
    label: r.month,
    'Median minutes to a decision': r.medianMinutesToDecision,
    'Urgent decisions': r.urgentDecisions,
    'Urgent decided late': r.urgentBreaches,
  }));
  return (
    <>
      <p className="hint">
        {report.from} to {report.to}. Made {formatDateTime(report.generatedAt)}. Any figure resting on fewer than {report.minimumCell} people reads “{WITHHELD}”, so
        no one can be picked out.
      </p>
      <h2>Members</h2>
      <Section title="Members at the end of each month, and who joined" points={membersChart(report)} kind="line" />
      <h2>Mentoring relationships</h2>
      {report.relationships ? (
        <Section
          title="Mentoring relationships, active and started"
          points={report.relationships.map((r) => ({ label: r.month, Active: r.active, Started: r.started }))}
          kind="line"
        />
      ) : (
        <p>Mentoring relationships are not counted in this report yet.</p>
      )}
      <h2>Activity</h2>
      <Section title="Posts and chat messages published each month" points={activityChart(report)} kind="bar" />
      <h2>Moderation timeliness</h2>
      <Section title="Review decisions, and those made after their deadline" points={moderationChart(report)} kind="bar" />
      <Section title="Time to a decision" points={timeliness} kind="bar" />
      <h2>Outcomes</h2>
      {report.outcomes.length === 0 ? <p>No outcome measure is asked here yet.</p> : null}
      {report.outcomes.map((m) => (
        <p key={m.measureId}>
          {m.title}: {figure(m.baselineAnswered)} people answered the baseline.
        </p>
      ))}
      {outcomeCharts(report).map((c) => (
        <Section key={c.key} title={`${c.title} (mean score; ${figure(c.answeredBoth)} people answered both)`} points={c.points} kind="bar" />
      ))}
    </>
  );
}

function ScopePicker({ groups, platform, query, set }: { groups: Array<{ id: string; name: string }>; platform: boolean; query: { groupId: string; from: string; to: string }; set: (q: Partial<typeof query>) => void }) {
  const options: Array<[string, string]> = [...(platform ? ([['', 'All groups']] as Array<[string, string]>) : []), ...groups.map((g) => [g.id, g.name] as [string, string])];
  return (
    <div className="impact-scope">
      <Select label="Group" value={query.groupId} onChange={(groupId) => set({ groupId })} options={options} />
      <Field label="From month" type="month" value={query.from} onChange={(from) => from && set({ from })} required />
      <Field label="To month" type="month" value={query.to} onChange={(to) => to && set({ to })} required />
    </div>
  );
}

async function downloadCsv(query: { groupId: string; from: string; to: string }): Promise<void> {
  const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v));
  const response = await fetch(`/impact/report.csv?${params}`, { headers: { Authorization: `Bearer ${tokenStore.get() ?? ''}` } });
  if (!response.ok) throw new ApiError({ status: response.status, ...(await response.json().catch(() => ({}))) });
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = 'kindred-impact-report.csv';
  a.click();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The impact report for admins and commissioners: charts with their tables, a CSV and a printable page. */
export function ImpactReportPage() {
  const { me } = useSession();
  const access = useImpactAccess(Boolean(me));
  const { query, set } = useReportQuery();
  const groups = access.data?.groups ?? [];
  const chosen = query.groupId || (access.data && !access.data.platform ? (groups[0]?.id ?? '') : '');
  const effective = { ...query, groupId: chosen };
  const report = useReport(effective, Boolean(access.data));
  const [csvError, setCsvError] = useState<unknown>();
  const printable = `/impact/print?${new URLSearchParams(Object.entries(effective).filter(([, v]) => v))}`;
  return (
    <>
      <PageTitle>Impact report</PageTitle>
      {!me ? (
        <p>
          Please <Link to="/sign-in">sign in</Link> first.
        </p>
      ) : null}
      {access.error ? <LoadError error={access.error} what="the impact report" /> : null}
      {access.data ? <ScopePicker groups={groups} platform={access.data.platform} query={effective} set={set} /> : null}
      {report.isLoading ? <Loading /> : null}
      {report.error ? <LoadError error={report.error} what="the impact report" /> : null}
      {report.data ? (
        <>
          <p className="actions">
            <button type="button" className="secondary" onClick={() => downloadCsv(effective).catch(setCsvError)}>
              Download CSV
            </button>{' '}
            <Link to={printable}>Printable version</Link>
          </p>
          <ErrorMessage error={csvError} />
          <ReportBody report={report.data} charts />
        </>
      ) : null}
    </>
  );
}

/** The same report as tables on one page, for printing or saving as PDF. */
export function ImpactPrintPage() {
  const { me } = useSession();
  const access = useImpactAccess(Boolean(me));
  const { query } = useReportQuery();
  const report = useReport(query, Boolean(access.data));
  const name = access.data?.groups.find((g) => g.id === query.groupId)?.name ?? 'All groups';
  return (
    <div className="printable">
      <PageTitle>{`Kindred impact report: ${name}`}</PageTitle>
      <p className="no-print">
        <button type="button" onClick={() => window.print()}>
          Print
        </button>{' '}
        <Link to={`/impact?${new URLSearchParams(Object.entries(query).filter(([, v]) => v))}`}>Back to the charts</Link>
      </p>
      {access.error ? <LoadError error={access.error} what="the impact report" /> : null}
      {report.error ? <LoadError error={report.error} what="the impact report" /> : null}
      {report.isLoading ? <Loading /> : null}
      {report.data ? <ReportBody report={report.data} charts={false} /> : null}
    </div>
  );
}

function QuestionnaireForm({ questionnaire }: { questionnaire: Questionnaire }) {
  const [answers, setAnswers] = useState<Record<string, number>>({});
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await ok(client.POST('/questionnaires/{questionnaireId}/answers', { params: { path: { questionnaireId: questionnaire.id } }, body: { answers } }));
      setDone(true);
      void queryClient.invalidateQueries({ queryKey: ['questionnaires'] });
    } catch (e) {
      setError(e);
    }
  };
  if (done) return <Status>Thank you. Your answers are saved; only you can see them.</Status>;
  return (
    <form onSubmit={submit} noValidate>
      <ErrorMessage error={error} />
      {questionnaire.questions.map((q) => (
        <fieldset key={q.key} className="scale">
          <legend>{q.text}</legend>
          <p className="hint">
            {q.scale.min} means “{q.scale.minLabel}”, {q.scale.max} means “{q.scale.maxLabel}”.
          </p>
          <div className="scale-options">
            {Array.from({ length: q.scale.max - q.scale.min + 1 }, (_, i) => q.scale.min + i).map((value) => (
              <label key={value}>
                <input type="radio" name={`${questionnaire.id}-${q.key}`} value={value} checked={answers[q.key] === value} onChange={() => setAnswers({ ...answers, [q.key]: value })} />
                {value}
              </label>
            ))}
          </div>
        </fieldset>
      ))}
      <button type="submit">Save my answers</button>
    </form>
  );
}

/** The outcome questionnaires sent to the member: unanswered ones to answer, answered ones to look back on. */
export function MyQuestionnaires() {
  const { me } = useSession();
  const list = useQuery({ queryKey: ['questionnaires', me?.id], queryFn: () => ok(client.GET('/me/questionnaires')), enabled: Boolean(me) });
  const open = (list.data ?? []).filter((q) => !q.answers);
  const answered = (list.data ?? []).filter((q) => q.answers);
  return (
    <>
      <PageTitle>How you are getting on</PageTitle>
      <p>
        Your groups ask these questions when you join and again a few months later, to learn whether being here helps. Only you see your answers. Your group sees
        only totals of ten people or more, never anyone’s own answers.
      </p>
      {list.isLoading ? <Loading /> : null}
      {list.error ? <LoadError error={list.error} what="your questionnaires" /> : null}
      {list.data && open.length === 0 ? <p>There is nothing to answer just now.</p> : null}
      {open.map((q) => (
        <section key={q.id} className="card">
          <h2>{q.wave === 0 ? q.title : `${q.title}: ${q.wave} months on`}</h2>
          <p className="hint">Sent {formatDateTime(q.sentAt)}</p>
          {q.description ? <p>{q.description}</p> : null}
          <QuestionnaireForm questionnaire={q} />
        </section>
      ))}
      {answered.length > 0 ? (
        <>
          <h2>You answered</h2>
          <ul>
            {answered.map((q) => (
              <li key={q.id}>
                {q.title}, {q.wave === 0 ? 'first time' : `${q.wave} months on`} ({formatDateTime(q.answeredAt)}):{' '}
                {q.questions.map((question) => `${question.key} ${q.answers?.[question.key]}`).join(', ')}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

const EXAMPLE_QUESTIONS = JSON.stringify(
  [{ key: 'sleep', text: 'How well have you slept this week?', scale: { min: 0, max: 10, minLabel: 'Very badly', maxLabel: 'Very well' } }],
  null,
  2,
);

function NewMeasure() {
  const [title, setTitle] = useState('');
  const [questions, setQuestions] = useState(EXAMPLE_QUESTIONS);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(questions);
    } catch {
      setError(new Error('The questions are not valid JSON.'));
      return;
    }
    try {
      const made = await ok(client.POST('/outcome-measures', { body: { title, questions: parsed as Measure['questions'] } }));
      setDone(made.title);
      setError(undefined);
      void queryClient.invalidateQueries({ queryKey: ['measures'] });
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form onSubmit={submit} noValidate>
      <h2>Define a measure</h2>
      {done ? <Status>{`“${done}” is ready to attach.`}</Status> : null}
      <ErrorMessage error={error} />
      <Field label="Title" value={title} onChange={setTitle} required />
      <Field
        label="Questions (JSON)"
        hint="Each question has a key, its words, and a scale of whole numbers with both ends named. A measure does not change once made."
        multiline
        rows={10}
        value={questions}
        onChange={setQuestions}
        required
      />
      <button type="submit">Create measure</button>
    </form>
  );
}

function GroupMeasures({ groups, measures }: { groups: Array<{ id: string; name: string }>; measures: Measure[] }) {
  const [groupId, setGroupId] = useState(groups[0]?.id ?? '');
  const [measureId, setMeasureId] = useState(measures[0]?.id ?? '');
  const [intervals, setIntervals] = useState('3, 6');
  const [error, setError] = useState<unknown>();
  const attachments = useQuery({
    queryKey: ['attachments', groupId],
    queryFn: () => ok(client.GET('/groups/{groupId}/outcome-measures', { params: { path: { groupId } } })),
    enabled: Boolean(groupId),
  });
  const attach = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const intervalsMonths = intervals.split(',').map((s) => Number(s.trim()));
      await ok(client.POST('/groups/{groupId}/outcome-measures', { params: { path: { groupId } }, body: { measureId, intervalsMonths } }));
      setError(undefined);
      void attachments.refetch();
    } catch (e) {
      setError(e);
    }
  };
  const end = async (attachmentId: string) => {
    await ok(client.DELETE('/groups/{groupId}/outcome-measures/{attachmentId}', { params: { path: { groupId, attachmentId } } })).catch(setError);
    void attachments.refetch();
  };
  return (
    <section>
      <h2>Ask a group</h2>
      <Select label="Group" value={groupId} onChange={setGroupId} options={groups.map((g) => [g.id, g.name])} />
      <ul>
        {(attachments.data ?? []).map((a) => (
          <li key={a.id}>
            {a.measureTitle}: at baseline, then {a.intervalsMonths.join(' and ')} months on{a.endedAt ? ` (stopped ${formatDateTime(a.endedAt)})` : ''}{' '}
            {a.endedAt ? null : (
              <button type="button" className="secondary small" onClick={() => void end(a.id)}>
                Stop asking
              </button>
            )}
          </li>
        ))}
      </ul>
      <form onSubmit={attach} noValidate>
        <ErrorMessage error={error} />
        <Select label="Measure" value={measureId} onChange={setMeasureId} options={measures.map((m) => [m.id, m.title])} />
        <Field label="Follow-ups, in months after the baseline" hint="For example 3, 6" value={intervals} onChange={setIntervals} required />
        <button type="submit">Start asking</button>
      </form>
    </section>
  );
}

function Commissioners({ groups }: { groups: Array<{ id: string; name: string }> }) {
  const grants = useQuery({ queryKey: ['commissioners'], queryFn: () => ok(client.GET('/commissioners')) });
  const [userId, setUserId] = useState('');
  const [groupId, setGroupId] = useState('');
  const [error, setError] = useState<unknown>();
  const grant = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await ok(client.POST('/commissioners', { body: { userId, groupId: groupId || null } }));
      setError(undefined);
      setUserId('');
      void grants.refetch();
    } catch (e) {
      setError(e);
    }
  };
  const name = (id: string | null) => (id ? (groups.find((g) => g.id === id)?.name ?? id) : 'every group');
  return (
    <section>
      <h2>Commissioners</h2>
      <p>A commissioner reads the impact report’s totals for their groups, and nothing about any one member.</p>
      <ul>
        {(grants.data ?? []).map((g) => (
          <li key={g.id}>
            {g.userId}: {name(g.groupId)}{' '}
            <button
              type="button"
              className="secondary small"
              onClick={() => void ok(client.DELETE('/commissioners/{grantId}', { params: { path: { grantId: g.id } } })).then(() => grants.refetch(), setError)}
            >
              End
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={grant} noValidate>
        <ErrorMessage error={error} />
        <Field label="Their account id" value={userId} onChange={setUserId} required />
        <Select label="For" value={groupId} onChange={setGroupId} options={[['', 'Every group'], ...groups.map((g) => [g.id, g.name] as [string, string])]} />
        <button type="submit">Grant</button>
      </form>
    </section>
  );
}

/** Platform admins: measures, where they are asked, and who commissions what. */
export function OutcomesAdmin() {
  const { me } = useSession();
  const access = useImpactAccess(Boolean(me?.isAdmin));
  const measures = useQuery({ queryKey: ['measures'], queryFn: () => ok(client.GET('/outcome-measures')), enabled: Boolean(me?.isAdmin) });
  return (
    <>
      <PageTitle>Outcome measures</PageTitle>
      {!me?.isAdmin ? <p>Only admins can manage outcome measures.</p> : null}
      {measures.error ? <LoadError error={measures.error} what="the measures" /> : null}
      {measures.data ? (
        <ul>
          {measures.data.map((m) => (
            <li key={m.id}>
              <strong>{m.title}</strong>
              {m.builtIn ? ' (Kindred’s own)' : ''}: {m.questions.map((q) => q.text).join(' / ')}
            </li>
          ))}
        </ul>
      ) : null}
      {measures.data && access.data ? <GroupMeasures groups={access.data.groups} measures={measures.data} /> : null}
      {me?.isAdmin ? <NewMeasure /> : null}
      {me?.isAdmin && access.data ? <Commissioners groups={access.data.groups} /> : null}
    </>
  );
}

import { useQuery } from '@tanstack/react-query';
import { useId, useState, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ApiError, client, formatDateTime, ok } from '../api';
import { useImpactAccess } from '../impact-access';
import { activityChart, allWithheld, figure, membersChart, moderationChart, outcomeCharts, WITHHELD, type ChartPoint, type ImpactReport } from '../impact-data';
import { useSession } from '../session';
import { ErrorMessage, Field, LoadError, Loading, PageTitle, Select } from '../ui';

const thisMonth = () => new Date().toISOString().slice(0, 7);
const monthsBefore = (month: string, n: number) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 - n, 1));
  return d.toISOString().slice(0, 7);
};

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
function ChartFigure({
  title,
  points,
  kind,
  unit = '',
  children,
}: {
  title: string;
  points: ChartPoint[];
  kind: 'bar' | 'line';
  unit?: string;
  children?: ReactNode;
}) {
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

/** A figure as a table only, for the printable page. */
function TableFigure({ title, points, unit }: { title: string; points: ChartPoint[]; kind: 'bar' | 'line'; unit?: string }) {
  return (
    <section className="impact-figure">
      <h3>{title}</h3>
      <FigureTable points={points} unit={unit} />
    </section>
  );
}

function ReportBody({ report, charts }: { report: ImpactReport; charts: boolean }) {
  const Section = charts ? ChartFigure : TableFigure;
  const timeliness: ChartPoint[] = report.moderation.map((r) => ({
    label: r.month,
    'Median minutes to a decision': r.medianMinutesToDecision,
    'Urgent decisions': r.urgentDecisions,
    'Urgent decided late': r.urgentBreaches,
  }));
  return (
    <>
      <p className="hint">
        {report.from} to {report.to}. Made {formatDateTime(report.generatedAt)}. Any figure resting on fewer than {report.minimumCell} people reads “{WITHHELD}
        ”, so no one can be picked out.
      </p>
      <h2>Members</h2>
      <Section title="Members at the end of each month, and who joined" points={membersChart(report)} kind="bar" />
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

function ScopePicker({
  groups,
  platform,
  query,
  set,
}: {
  groups: Array<{ id: string; name: string }>;
  platform: boolean;
  query: { groupId: string; from: string; to: string };
  set: (q: Partial<typeof query>) => void;
}) {
  const options: Array<[string, string]> = [
    ...(platform ? ([['', 'All groups']] as Array<[string, string]>) : []),
    ...groups.map((g) => [g.id, g.name] as [string, string]),
  ];
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
  const response = await fetch(`/impact/report.csv?${params}`, { credentials: 'same-origin' });
  if (!response.ok) throw new ApiError({ status: response.status, ...(await response.json().catch(() => ({}))) });
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = 'kindred-impact-report.csv';
  a.click();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The impact report for admins and commissioners: charts with their tables, a CSV and a printable page. */
export default function ImpactReportPage() {
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

import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { client, formatDateTime, ok } from '../api';
import type { components } from '../api/schema';
import { useImpactAccess } from '../impact-access';
import { queryClient } from '../queries';
import { useSession } from '../session';
import { ErrorMessage, Field, LoadError, Loading, PageTitle, Select, Status } from '../ui';

type Questionnaire = components['schemas']['QuestionnaireResponse'];
type Measure = components['schemas']['MeasureResponse'];

function QuestionnaireForm({ questionnaire, onDone }: { questionnaire: Questionnaire; onDone: () => void }) {
  const [answers, setAnswers] = useState<Record<string, number>>({});
  const [error, setError] = useState<unknown>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await ok(client.POST('/questionnaires/{questionnaireId}/answers', { params: { path: { questionnaireId: questionnaire.id } }, body: { answers } }));
      onDone();
      void queryClient.invalidateQueries({ queryKey: ['questionnaires'] });
    } catch (e) {
      setError(e);
    }
  };
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
                <input
                  type="radio"
                  name={`${questionnaire.id}-${q.key}`}
                  value={value}
                  checked={answers[q.key] === value}
                  onChange={() => setAnswers({ ...answers, [q.key]: value })}
                />
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
  const [thanks, setThanks] = useState(false);
  return (
    <>
      <PageTitle>How you are getting on</PageTitle>
      <p>
        Your groups ask these questions when you join and again a few months later, to learn whether being here helps. Only you see your answers. Your group
        sees only totals of ten people or more, never anyone’s own answers.
      </p>
      {thanks ? <Status>Thank you. Your answers are saved; only you can see them.</Status> : null}
      {list.isLoading ? <Loading /> : null}
      {list.error ? <LoadError error={list.error} what="your questionnaires" /> : null}
      {list.data && open.length === 0 ? <p>There is nothing to answer just now.</p> : null}
      {open.map((q) => (
        <section key={q.id} className="card">
          <h2>{q.wave === 0 ? q.title : `${q.title}: ${q.wave} months on`}</h2>
          <p className="hint">Sent {formatDateTime(q.sentAt)}</p>
          {q.description ? <p>{q.description}</p> : null}
          <QuestionnaireForm questionnaire={q} onDone={() => setThanks(true)} />
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

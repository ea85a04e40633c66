import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { client, ok } from '../api';
import { useSession, type SecondStep } from '../session';
import { SecondStepForm } from './two-step';
import { ErrorMessage, Field, Loading, PageTitle } from '../ui';

export function Register() {
  const { signIn } = useSession();
  const navigate = useNavigate();
  const consent = useQuery({ queryKey: ['consent'], queryFn: () => ok(client.GET('/consent')) });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [dateOfBirth, setDateOfBirth] = useState('');
  const [agreed, setAgreed] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!agreed) {
      setError(new Error('Please tick the box to say you agree, so we can keep your health information safely.'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await ok(client.POST('/auth/register', { body: { email, password, displayName, dateOfBirth, consent: true } }));
      await signIn(email, password);
      navigate('/');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle>Create your account</PageTitle>
      <p>Kindred groups are for people living with a long-term condition. Other members only ever see the name you choose below.</p>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} />
        <Field
          label="Email address"
          hint="We never show it to anyone. We use it to sign you in."
          type="email"
          autoComplete="email"
          value={email}
          onChange={setEmail}
          required
        />
        <Field
          label="Password"
          hint="At least 12 characters. A few words strung together is easy to remember and hard to guess."
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
          required
        />
        <Field
          label="Display name"
          hint="The only name other members will see. Don’t use your real name if you’d rather not."
          autoComplete="nickname"
          value={displayName}
          onChange={setDisplayName}
          required
        />
        <Field
          label="Date of birth"
          hint="Groups are for certain ages. We don’t show this to anyone."
          type="date"
          autoComplete="bday"
          value={dateOfBirth}
          onChange={setDateOfBirth}
          required
        />
        <section className="consent" aria-labelledby="consent-title">
          <h2 id="consent-title">Your health information</h2>
          <p>
            <strong>In plain words:</strong> by joining, you will share things about your health. The law treats that as special information. We keep it only to
            run the groups you join, we never sell it or show your email, and you can download it or delete your account at any time from “Your account”.
          </p>
          {consent.isPending ? <Loading what="Loading the full consent text" /> : null}
          {consent.data ? (
            <details>
              <summary>Read the full consent text (version {String(consent.data.version)})</summary>
              <p className="preserve">{consent.data.text}</p>
            </details>
          ) : null}
          {consent.error ? <p>We could not load the full consent text just now. You can still read it later from your account.</p> : null}
          <div className="checkbox">
            <input id="consent" type="checkbox" checked={agreed} onChange={(e) => setAgreed(e.target.checked)} required />
            <label htmlFor="consent">I agree that Kindred may keep and use my health information to run the groups I join.</label>
          </div>
        </section>
        <button type="submit" disabled={busy}>
          {busy ? 'Creating your account…' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <Link to="/sign-in">Sign in</Link>
      </p>
    </>
  );
}

export function SignIn() {
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [secondStep, setSecondStep] = useState<SecondStep | null>(null);
  const carryOn = () => {
    const next = search.get('next');
    navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/');
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const step = await signIn(email, password);
      if (step) setSecondStep(step);
      else carryOn();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  if (secondStep)
    return (
      <>
        <PageTitle>Sign in</PageTitle>
        <SecondStepForm
          mfaToken={secondStep.mfaToken}
          onSignedIn={carryOn}
          onStartAgain={(e) => {
            setSecondStep(null);
            setError(e);
          }}
        />
      </>
    );
  return (
    <>
      <PageTitle>Sign in</PageTitle>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} />
        <Field label="Email address" type="email" autoComplete="email" value={email} onChange={setEmail} required />
        <Field label="Password" type="password" autoComplete="current-password" value={password} onChange={setPassword} required />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        New here? <Link to="/register">Create an account</Link>
      </p>
    </>
  );
}

import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError, client, ok } from '../api';
import { useSession, type SecondStep } from '../session';
import { SecondStepForm } from './two-step';
import { ErrorMessage, Field, fieldError, Loading, PageTitle, Status } from '../ui';

/** What to do next when the next step is in a mail. */
function CheckYourEmail({ children }: { children: ReactNode }) {
  return (
    <>
      <PageTitle>Check your email</PageTitle>
      <Status>{children}</Status>
      <p>
        The mail comes from Kindred. If it has not arrived in a few minutes, look in your spam or junk folder. The link in it works once, and only for a while.
      </p>
    </>
  );
}

export function Register() {
  const [sent, setSent] = useState(false);
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
      setSent(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  if (sent)
    return (
      <CheckYourEmail>
        <p>
          We have sent a mail to <strong>{email}</strong>. Follow the link in it to confirm your address, then sign in.
        </p>
      </CheckYourEmail>
    );

  return (
    <>
      <PageTitle>Create your account</PageTitle>
      <p>Kindred groups are for people living with a long-term condition. Other members only ever see the name you choose below.</p>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={error} fields={['email', 'password', 'displayName', 'dateOfBirth']} />
        <Field
          label="Email address"
          hint="We never show it to anyone. We use it to sign you in."
          type="email"
          autoComplete="email"
          value={email}
          onChange={setEmail}
          required
          error={fieldError(error, 'email')}
        />
        <Field
          label="Password"
          hint="At least 12 characters. A few words strung together is easy to remember and hard to guess."
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
          required
          error={fieldError(error, 'password')}
        />
        <Field
          label="Display name"
          hint="The only name other members will see. Don’t use your real name if you’d rather not. You can add what you are in brackets, like “Sam (carer)”."
          autoComplete="nickname"
          value={displayName}
          onChange={setDisplayName}
          required
          error={fieldError(error, 'displayName')}
        />
        <Field
          label="Date of birth"
          hint="Groups are for certain ages. We don’t show this to anyone."
          type="date"
          autoComplete="bday"
          value={dateOfBirth}
          onChange={setDateOfBirth}
          required
          error={fieldError(error, 'dateOfBirth')}
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
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
      <p>
        New here? <Link to="/register">Create an account</Link>
      </p>
    </>
  );
}

/** `/verify-email?token=`: the link from a registration's or a change of email's mail. A button, so a mail scanner opening the link confirms nothing. */
export function VerifyEmail() {
  const [search] = useSearchParams();
  const token = search.get('token') ?? '';
  const [state, setState] = useState<{ busy?: boolean; done?: boolean; error?: unknown }>({});
  const confirm = async () => {
    setState({ busy: true });
    try {
      await ok(client.POST('/auth/verify-email', { body: { token } }));
      setState({ done: true });
    } catch (e) {
      setState({ error: e });
    }
  };
  if (state.done)
    return (
      <>
        <PageTitle>Your email address is confirmed</PageTitle>
        <Status>
          <p>Thank you. You can now sign in with this address.</p>
        </Status>
        <p>
          <Link to="/sign-in">Sign in</Link>
        </p>
      </>
    );
  const gone = state.error instanceof ApiError && state.error.code === 'TOKEN_EXPIRED';
  return (
    <>
      <PageTitle>Confirm your email address</PageTitle>
      {token ? null : <p>This page needs the link from the mail we sent you. Please open the link in that mail.</p>}
      <ErrorMessage error={state.error} />
      {gone ? (
        <p>
          To get a new link, <Link to="/forgot-password">choose a new password</Link>: that confirms your address too.
        </p>
      ) : null}
      {token && !gone ? (
        <button type="button" onClick={() => void confirm()} disabled={state.busy}>
          {state.busy ? 'Confirming…' : 'Confirm my email address'}
        </button>
      ) : null}
    </>
  );
}

/** `/forgot-password`: asks for a reset link. The answer is the same whether or not the address has an account. */
export function ForgotPassword() {
  const [email, setEmail] = useState('');
  const [state, setState] = useState<{ busy?: boolean; sent?: boolean; error?: unknown }>({});
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setState({ busy: true });
    try {
      await ok(client.POST('/auth/password-reset', { body: { email } }));
      setState({ sent: true });
    } catch (e) {
      setState({ error: e });
    }
  };
  if (state.sent)
    return (
      <CheckYourEmail>
        <p>
          If <strong>{email}</strong> belongs to a Kindred account, we have sent it a link to choose a new password. The link works once, for 30 minutes.
        </p>
      </CheckYourEmail>
    );
  return (
    <>
      <PageTitle>Forgot your password?</PageTitle>
      <p>Tell us the email address you signed up with, and we will send you a link to choose a new password.</p>
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={state.error} fields={['email']} />
        <Field label="Email address" type="email" autoComplete="email" value={email} onChange={setEmail} required error={fieldError(state.error, 'email')} />
        <button type="submit" disabled={state.busy}>
          {state.busy ? 'Sending…' : 'Send me a link'}
        </button>
      </form>
    </>
  );
}

/** `/reset-password?token=`: a new password through the mailed link. Every session of the account ends, this browser's too. */
export function ResetPassword() {
  const { forget } = useSession();
  const [search] = useSearchParams();
  const token = search.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [state, setState] = useState<{ busy?: boolean; done?: boolean; error?: unknown }>({});
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setState({ busy: true });
    try {
      await ok(client.POST('/auth/password-reset/confirm', { body: { token, password } }));
      forget();
      setState({ done: true });
    } catch (e) {
      setState({ error: e });
    }
  };
  if (state.done)
    return (
      <>
        <PageTitle>Your password is changed</PageTitle>
        <Status>
          <p>You have been signed out everywhere. Sign in with your new password.</p>
        </Status>
        <p>
          <Link to="/sign-in">Sign in</Link>
        </p>
      </>
    );
  const gone = state.error instanceof ApiError && state.error.code === 'TOKEN_EXPIRED';
  return (
    <>
      <PageTitle>Choose a new password</PageTitle>
      {token ? null : <p>This page needs the link from the mail we sent you. Please open the link in that mail.</p>}
      <form onSubmit={submit} noValidate>
        <ErrorMessage error={state.error} fields={['password']} />
        {gone ? (
          <p>
            <Link to="/forgot-password">Ask for a new link</Link>
          </p>
        ) : null}
        <Field
          label="New password"
          hint="At least 12 characters. A few words strung together is easy to remember and hard to guess."
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
          required
          error={fieldError(state.error, 'password')}
        />
        <button type="submit" disabled={state.busy || !token}>
          {state.busy ? 'Saving…' : 'Save my new password'}
        </button>
      </form>
    </>
  );
}

import { useQuery, useQueryClient } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError, client, formatDateTime, ok, onApiError } from '../api';
import { useSession } from '../session';
import { ErrorMessage, Field, Status } from '../ui';

const CODE_HINT = 'The 6-digit code your authenticator app shows now, or one of your recovery codes.';

/** Sends a supporter or admin whose request needed two-step sign-in to set it up, with the reason. */
export function useTwoStepRequiredRedirect(): void {
  const navigate = useNavigate();
  useEffect(
    () =>
      onApiError((error) => {
        if (error.code === 'MFA_REQUIRED') navigate('/my/account?two-step=required#two-step-title');
      }),
    [navigate],
  );
}

/** The second step of signing in: a code from the authenticator app or a recovery code. */
export function SecondStepForm({ mfaToken, onSignedIn, onStartAgain }: { mfaToken: string; onSignedIn(): void; onStartAgain(error: unknown): void }) {
  const { completeSignIn } = useSession();
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await completeSignIn(mfaToken, code);
      onSignedIn();
    } catch (e) {
      // The challenge lasts five minutes and works once: after that the password is asked for again.
      if (e instanceof ApiError && e.status === 401 && /expired|already used/.test(e.message)) onStartAgain(e);
      else setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="second-step-title">
      <h2 id="second-step-title">Enter your sign-in code</h2>
      <p>Your account uses two-step sign-in. Open your authenticator app to find the code for Kindred.</p>
      <ErrorMessage error={error} />
      <Field label="Sign-in code" hint={CODE_HINT} autoComplete="one-time-code" inputMode="text" value={code} onChange={setCode} required />
      <button type="submit" disabled={busy}>
        {busy ? 'Checking…' : 'Continue'}
      </button>
    </form>
  );
}

/** Setting up, confirming and turning off two-step sign-in, on the account page. */
export function TwoStepSection() {
  const { me } = useSession();
  const queryClient = useQueryClient();
  const [search] = useSearchParams();
  const required = search.get('two-step') === 'required';
  const staff = Boolean(me?.isAdmin || me?.memberships.some((m) => m.role === 'supporter'));
  const status = useQuery({ queryKey: ['two-step', me?.id], queryFn: () => ok(client.GET('/me/mfa')), enabled: Boolean(me) });
  const [enrolment, setEnrolment] = useState<{ secret: string; otpauthUri: string; qr?: string }>();
  const [recoveryCodes, setRecoveryCodes] = useState<string[]>();
  const [error, setError] = useState<unknown>();
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (required) heading.current?.focus();
  }, [required]);

  const refresh = () => queryClient.invalidateQueries({ queryKey: ['two-step'] });

  const begin = async () => {
    setError(undefined);
    try {
      const started = await ok(client.POST('/me/mfa/totp'));
      setEnrolment(started);
      const qr = await QRCode.toDataURL(started.otpauthUri, { margin: 2, width: 220 });
      setEnrolment({ ...started, qr });
    } catch (e) {
      setError(e);
    }
  };

  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const answer = await ok(client.POST('/me/mfa/totp/confirm', { body: { code } }));
      setRecoveryCodes(answer.recoveryCodes);
      setEnrolment(undefined);
      setCode('');
      await refresh();
    } catch (e) {
      setError(e);
    }
  };

  const disable = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await ok(client.DELETE('/me/mfa/totp', { body: { password, code } }));
      setPassword('');
      setCode('');
      setRecoveryCodes(undefined);
      await refresh();
    } catch (e) {
      setError(e instanceof ApiError && e.status === 403 ? new Error('That password or code is not right, so two-step sign-in is still on.') : e);
    }
  };

  const state = status.data?.totp;
  return (
    <section aria-labelledby="two-step-title">
      <h2 id="two-step-title" ref={heading} tabIndex={-1}>
        Two-step sign-in
      </h2>
      {required && state !== 'on' ? (
        <Status>
          Supporters and admins need two-step sign-in before they can see the review queue, applications or group settings, because that work shows what members
          have shared. Set it up below, then go back to what you were doing.
        </Status>
      ) : null}
      <p>
        Two-step sign-in asks for a code from an app on your phone (an authenticator app) as well as your password, so nobody can sign in with your password
        alone.{staff ? ' You need it for your supporter or admin work.' : ' Anyone can turn it on.'}
      </p>
      <ErrorMessage error={error ?? status.error} />

      {recoveryCodes ? (
        <div className="card recovery-codes">
          <h3>Save your recovery codes now</h3>
          <p>
            <strong>These codes are shown only this once.</strong> If you lose your phone, each code lets you sign in one time instead of a code from the app.
            Write them down or keep them in a password manager, somewhere only you can reach.
          </p>
          <ul aria-label="Recovery codes" className="plain codes">
            {recoveryCodes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
          <button type="button" className="secondary" onClick={() => setRecoveryCodes(undefined)}>
            I have saved my recovery codes
          </button>
        </div>
      ) : null}

      {state === 'on' && !recoveryCodes ? (
        <>
          <Status>
            Two-step sign-in is on{status.data?.confirmedAt ? ` (since ${formatDateTime(status.data.confirmedAt)})` : ''}. You have{' '}
            {status.data?.recoveryCodesLeft} recovery codes left.
          </Status>
          <form onSubmit={disable} noValidate aria-labelledby="two-step-off-title">
            <h3 id="two-step-off-title">Turn off two-step sign-in</h3>
            {staff ? <p>While it is off you cannot do supporter or admin work.</p> : null}
            <Field label="Your password" type="password" autoComplete="current-password" value={password} onChange={setPassword} required />
            <Field label="Sign-in code" hint={CODE_HINT} autoComplete="one-time-code" value={code} onChange={setCode} required />
            <button type="submit" className="danger">
              Turn off two-step sign-in
            </button>
          </form>
        </>
      ) : null}

      {state !== 'on' && !enrolment && !recoveryCodes ? (
        <button type="button" onClick={() => void begin()}>
          Set up two-step sign-in
        </button>
      ) : null}

      {enrolment && state !== 'on' ? (
        <div className="card">
          <h3>1. Add Kindred to your authenticator app</h3>
          <p>Scan this QR code with your authenticator app, or type in the setup key below.</p>
          {enrolment.qr ? <img src={enrolment.qr} width={220} height={220} alt="QR code for adding Kindred to an authenticator app" /> : null}
          <p>
            Setup key: <code data-testid="totp-secret">{enrolment.secret}</code>
          </p>
          <details>
            <summary>Show the setup link as text</summary>
            <p className="preserve">
              <code>{enrolment.otpauthUri}</code>
            </p>
          </details>
          <form onSubmit={confirm} noValidate aria-labelledby="two-step-confirm-title">
            <h3 id="two-step-confirm-title">2. Enter the code the app shows</h3>
            <Field
              label="Code from your app"
              hint="6 digits. A new one appears every 30 seconds."
              autoComplete="one-time-code"
              inputMode="numeric"
              value={code}
              onChange={setCode}
              required
            />
            <button type="submit">Turn on two-step sign-in</button>
          </form>
        </div>
      ) : null}
    </section>
  );
}

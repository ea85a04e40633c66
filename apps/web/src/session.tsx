import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { client, csrfToken, ok, onApiError, type Me } from './api';

/** The password was right; a code from the authenticator app (or a recovery code) finishes signing in. */
export interface SecondStep {
  mfaToken: string;
}

interface SessionValue {
  me: Me | null;
  ready: boolean;
  /** Signs in; for an account with two-step sign-in, answers the challenge to finish with `completeSignIn`. */
  signIn(email: string, password: string): Promise<SecondStep | null>;
  completeSignIn(mfaToken: string, code: string): Promise<void>;
  signOut(): Promise<void>;
  /** Asks the API again who the person is (memberships change while the app is open). */
  refresh(): Promise<void>;
  /** Forget the session locally (after account deletion, or when the API says it ended). */
  forget(): void;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  // The session is an HttpOnly cookie; its readable CSRF companion says one was started in this browser (any tab).
  const [token, setToken] = useState(csrfToken);
  const me = useQuery({
    queryKey: ['me', token],
    queryFn: () => ok(client.GET('/me')),
    enabled: Boolean(token),
  });

  // Someone else's answers must never be shown to the next person: signing out empties the cache.
  const forget = useCallback(() => {
    setToken(null);
    queryClient.clear();
  }, [queryClient]);

  useEffect(
    () =>
      onApiError((error) => {
        if (error.code === 'UNAUTHENTICATED') forget();
      }),
    [forget],
  );

  const refresh = useCallback(async () => {
    await queryClient.invalidateQueries({ queryKey: ['me'] });
  }, [queryClient]);

  // Signing in set the cookies; the token in the answer is for API clients and is not kept.
  const start = useCallback(async () => {
    queryClient.clear();
    const session = csrfToken();
    setToken(session);
    await queryClient.fetchQuery({ queryKey: ['me', session], queryFn: () => ok(client.GET('/me')) });
  }, [queryClient]);

  const signIn = useCallback(
    async (email: string, password: string) => {
      const answer = await ok(client.POST('/auth/login', { body: { email, password } }));
      if ('mfaRequired' in answer) return { mfaToken: answer.mfaToken };
      await start();
      return null;
    },
    [start],
  );

  const completeSignIn = useCallback(
    async (mfaToken: string, code: string) => {
      await ok(client.POST('/auth/login/mfa', { body: { mfaToken, code } }));
      await start();
    },
    [start],
  );

  const signOut = useCallback(async () => {
    try {
      await ok(client.POST('/auth/logout'));
    } finally {
      forget();
    }
  }, [forget]);

  const value: SessionValue = {
    me: token ? (me.data ?? null) : null,
    ready: !token || !me.isPending,
    signIn,
    completeSignIn,
    signOut,
    refresh,
    forget,
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

export const membershipOf = (me: Me | null, groupId: string) => me?.memberships.find((m) => m.groupId === groupId);
export const isSupporterOf = (me: Me | null, groupId: string) => Boolean(me?.isAdmin || membershipOf(me, groupId)?.role === 'supporter');

import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, onApiError, tokenStore, type Me } from './api';

interface SessionValue {
  me: Me | null;
  ready: boolean;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  refresh(): Promise<void>;
  /** Forget the session locally (after account deletion, or when the API says it ended). */
  forget(): void;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [ready, setReady] = useState(false);

  const forget = useCallback(() => {
    tokenStore.set(null);
    setMe(null);
  }, []);

  const refresh = useCallback(async () => {
    if (!tokenStore.get()) {
      setMe(null);
      return;
    }
    try {
      setMe(await api<Me>('GET', '/me'));
    } catch {
      setMe(null);
    }
  }, []);

  useEffect(() => {
    void refresh().finally(() => setReady(true));
    return onApiError((error) => {
      if (error.code === 'UNAUTHENTICATED' && tokenStore.get()) forget();
    });
  }, [refresh, forget]);

  const signIn = useCallback(
    async (email: string, password: string) => {
      const answer = await api<{ token: string }>('POST', '/auth/login', { email, password });
      tokenStore.set(answer.token);
      await refresh();
    },
    [refresh],
  );

  const signOut = useCallback(async () => {
    try {
      await api('POST', '/auth/logout');
    } finally {
      forget();
    }
  }, [forget]);

  return <SessionContext.Provider value={{ me, ready, signIn, signOut, refresh, forget }}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

export const membershipOf = (me: Me | null, groupId: string) => me?.memberships.find((m) => m.groupId === groupId);
export const isSupporterOf = (me: Me | null, groupId: string) => Boolean(me?.isAdmin || membershipOf(me, groupId)?.role === 'supporter');

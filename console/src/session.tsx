import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { ApiError, get, post, setCsrfToken } from './api';
import type { Role, SessionInfo } from './types';

interface SessionState {
  user: SessionInfo | null;
  loading: boolean;
  refresh(): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionState>({ user: null, loading: true, refresh: async () => {}, signOut: async () => {} });

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionInfo | null>(null);
  const [loading, setLoading] = useState(true);

  const refresh = useCallback(async () => {
    try {
      const me = await get<SessionInfo>('/v1/session');
      setCsrfToken(me.csrfToken);
      setUser(me);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) console.error(err);
      setCsrfToken(null);
      setUser(null);
    } finally {
      setLoading(false);
    }
  }, []);

  const signOut = useCallback(async () => {
    await post('/auth/logout').catch(() => undefined);
    setCsrfToken(null);
    setUser(null);
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  return <SessionContext.Provider value={{ user, loading, refresh, signOut }}>{children}</SessionContext.Provider>;
}

export const useSession = () => useContext(SessionContext);

/** Whether the signed-in user holds any of these roles (admin holds them all). */
export function useHasRole(...roles: Role[]): boolean {
  const { user } = useSession();
  return !!user && user.roles.some((r) => r === 'admin' || roles.includes(r));
}

import { useEffect, useState, type FormEvent } from 'react';
import { get, post } from '../api';
import { ErrorNote } from '../components/ui';
import { useSession } from '../session';

export function SignIn() {
  const { refresh } = useSession();
  const [methods, setMethods] = useState<{ local: boolean; oidc: boolean }>();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const signinError = new URLSearchParams(window.location.search).get('signin_error');

  useEffect(() => {
    document.title = 'Sign in · Vigil console';
    get<{ local: boolean; oidc: boolean }>('/auth/methods').then(setMethods, setError);
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await post('/auth/login', { name, password });
      await refresh();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" className="signin">
      <h1>Sign in to Vigil</h1>
      {signinError && <p role="alert" className="error">{signinError}</p>}
      <ErrorNote error={error} />
      {methods?.oidc && (
        <p><a className="button primary" href="/auth/oidc/login">Sign in with single sign-on</a></p>
      )}
      {methods?.local && (
        <form onSubmit={(e) => void submit(e)} aria-label="Password sign-in">
          <div className="field">
            <label htmlFor="signin-name">User name</label>
            <input id="signin-name" autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} required />
          </div>
          <div className="field">
            <label htmlFor="signin-password">Password</label>
            <input id="signin-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          </div>
          <button type="submit" className="primary" disabled={busy}>Sign in</button>
        </form>
      )}
      {methods && !methods.local && !methods.oidc && (
        <p>No sign-in is configured on this server: set VIGIL_OIDC_* or VIGIL_LOCAL_USERS (see the README).</p>
      )}
    </main>
  );
}

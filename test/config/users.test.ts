import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { hashPassword, rolesFromClaim, verifyPassword } from '../../identity/index.js';

const KEYS = 'ingest-key-0123456789:ingest,admin-key-0123456789:admin';
const SECRET = 'session-secret-0123456789abcdef0123456789';
const OIDC = {
  VIGIL_OIDC_ISSUER: 'https://login.bank.example/realms/staff', VIGIL_OIDC_CLIENT_ID: 'vigil', VIGIL_OIDC_CLIENT_SECRET: 's3cret',
  VIGIL_OIDC_REDIRECT_URI: 'https://vigil.bank.example/auth/oidc/callback', VIGIL_OIDC_ROLE_MAP: 'fraud-officers=risk,fraud-leads=risk-admin,fraud-leads=risk,crm=marketing',
};
const fails = (env: Record<string, string>, variable: string) => expect(() => loadConfig({ VIGIL_API_KEYS: KEYS, ...env })).toThrow(new RegExp(variable));

describe('user and four-eyes settings', () => {
  it('requires four-eyes on every action by default, and reads none or a list', () => {
    expect(loadConfig({ VIGIL_API_KEYS: KEYS }).approvals).toEqual({ required: ['rules.publish', 'campaigns.activate', 'lists.import', 'models.promote', 'models.rollback'], ttlHours: 72 });
    expect(loadConfig({ VIGIL_API_KEYS: KEYS, VIGIL_APPROVALS: 'none' }).approvals.required).toEqual([]);
    expect(loadConfig({ VIGIL_API_KEYS: KEYS, VIGIL_APPROVALS: 'rules.publish' }).approvals.required).toEqual(['rules.publish']);
    fails({ VIGIL_APPROVALS: 'rules.publish,rules.delete' }, 'VIGIL_APPROVALS: unknown action rules.delete');
  });

  it('reads local users with their roles and password hashes, and refuses malformed entries naming the variable', async () => {
    const hash = await hashPassword('correct horse');
    const config = loadConfig({ VIGIL_API_KEYS: KEYS, VIGIL_SESSION_SECRET: SECRET, VIGIL_LOCAL_USERS: `ana:risk+risk-admin:${hash}` });
    expect(config.users.local).toEqual([{ name: 'ana', roles: ['risk', 'risk-admin'], passwordHash: hash }]);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('wrong horse', hash)).toBe(false);
    fails({ VIGIL_SESSION_SECRET: SECRET, VIGIL_LOCAL_USERS: 'ana:risk:plaintext-password' }, 'VIGIL_LOCAL_USERS');
    fails({ VIGIL_SESSION_SECRET: SECRET, VIGIL_LOCAL_USERS: `ana:boss:${hash}` }, 'VIGIL_LOCAL_USERS');
    fails({ VIGIL_LOCAL_USERS: `ana:risk:${hash}` }, 'VIGIL_SESSION_SECRET: required when users sign in');
  });

  it('needs all four OpenID Connect settings and a role map together, https unless on loopback', () => {
    const config = loadConfig({ VIGIL_API_KEYS: KEYS, VIGIL_SESSION_SECRET: SECRET, ...OIDC });
    expect(config.users.oidc).toMatchObject({ issuer: OIDC.VIGIL_OIDC_ISSUER, nameClaim: 'preferred_username', rolesClaim: 'groups' });
    const { VIGIL_OIDC_CLIENT_SECRET: _s, ...noSecret } = OIDC;
    fails({ VIGIL_SESSION_SECRET: SECRET, ...noSecret }, 'VIGIL_OIDC_CLIENT_SECRET: required');
    fails({ VIGIL_SESSION_SECRET: SECRET, ...OIDC, VIGIL_OIDC_ROLE_MAP: '' }, 'VIGIL_OIDC_ROLE_MAP: required');
    fails({ VIGIL_SESSION_SECRET: SECRET, ...OIDC, VIGIL_OIDC_ROLE_MAP: 'crm=boss' }, 'VIGIL_OIDC_ROLE_MAP');
    fails({ VIGIL_SESSION_SECRET: SECRET, ...OIDC, VIGIL_OIDC_ISSUER: 'http://login.bank.example' }, 'VIGIL_OIDC_ISSUER: must be https');
    expect(loadConfig({ VIGIL_API_KEYS: KEYS, VIGIL_SESSION_SECRET: SECRET, ...OIDC, VIGIL_OIDC_ISSUER: 'http://127.0.0.1:9000' }).users.oidc?.issuer).toBe('http://127.0.0.1:9000');
  });

  it('maps claim values to roles, ignoring values the map does not name', () => {
    const config = loadConfig({ VIGIL_API_KEYS: KEYS, VIGIL_SESSION_SECRET: SECRET, ...OIDC });
    const map = config.users.oidc!.roleMap;
    expect(rolesFromClaim(['fraud-leads', 'canteen'], map)).toEqual(['risk', 'risk-admin']);
    expect(rolesFromClaim('crm fraud-officers', map)).toEqual(['risk', 'marketing']);
    expect(rolesFromClaim(['canteen'], map)).toEqual([]);
    expect(rolesFromClaim(undefined, map)).toEqual([]);
  });
});

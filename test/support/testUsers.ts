import { hashPassword } from '../../identity/index.js';

/** People who sign in to the console in tests, with their passwords (only hashes go in the config). */
export const TEST_USERS = {
  officer: { name: 'olivia.officer', roles: 'risk', password: 'officer-password-1' },
  riskLead: { name: 'rita.lead', roles: 'risk-admin', password: 'risk-lead-password-1' },
  riskLead2: { name: 'raj.lead', roles: 'risk-admin+risk', password: 'risk-lead-password-2' },
  marketer: { name: 'mark.marketer', roles: 'marketing', password: 'marketer-password-1' },
  marketer2: { name: 'maya.marketer', roles: 'marketing', password: 'marketer-password-2' },
  sre: { name: 'sam.sre', roles: 'sre', password: 'sre-password-1' },
} as const;

export const TEST_SESSION_SECRET = 'test-session-secret-0123456789abcdef0123';

/** The settings that let TEST_USERS sign in over plain http (tests run on loopback). */
export async function testUserSettings(): Promise<Record<string, string>> {
  const entries = await Promise.all(Object.values(TEST_USERS).map(async (u) => `${u.name}:${u.roles}:${await hashPassword(u.password)}`));
  return { VIGIL_LOCAL_USERS: entries.join(','), VIGIL_SESSION_SECRET: TEST_SESSION_SECRET, VIGIL_COOKIE_SECURE: 'false' };
}

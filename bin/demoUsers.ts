import { randomBytes } from 'node:crypto';
import { hashPassword } from '../identity/index.js';

/**
 * The demo's people: an officer works alerts, two can approve each other's rule and list changes,
 * two marketers approve each other's campaigns, an SRE watches health. Passwords are generated
 * each run and printed once; the engine is given only their hashes.
 */
export async function demoUsers() {
  const people = [
    { name: 'olivia', roles: 'risk', job: 'fraud officer: alert queue, cases, lists and snoozes' },
    { name: 'rita', roles: 'risk-admin', job: 'head of fraud: rules, list imports, approves Ravi\'s changes' },
    { name: 'ravi', roles: 'risk-admin+risk', job: 'fraud lead: works alerts too, approves Rita\'s changes' },
    { name: 'mark', roles: 'marketing', job: 'marketer: campaigns, live offers, decision records' },
    { name: 'maya', roles: 'marketing', job: 'marketer: approves Mark\'s activations' },
    { name: 'sam', roles: 'sre', job: 'SRE: health, dead letters' },
  ].map((p) => ({ ...p, password: randomBytes(9).toString('base64url') }));
  const hashes = await Promise.all(people.map((p) => hashPassword(p.password)));
  return {
    people,
    setting: people.map((p, i) => `${p.name}:${p.roles}:${hashes[i]}`).join(','),
    sessionSecret: randomBytes(32).toString('hex'),
  };
}

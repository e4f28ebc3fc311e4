import { describe, expect, it } from 'vitest';
import { customerProfileSchema, PROFILE_FIELDS } from '../../customers/index.js';
import { fieldPathProblem } from '../../rules/index.js';

const FULL_PROFILE = {
  assets_under_management: 42_000,
  products_held: ['current-account', 'credit-card'],
  age: 41,
  risk_tolerance: 'medium',
  preferred_channel: 'email',
  language: 'de-AT',
  relationship_manager: 'rm-17',
  birthday: '1984-02-29',
  time_zone: 'Europe/Vienna',
  kyc_status: 'verified',
  marketing_consent: { push: true, sms: false, email: true, rm_task: false },
  opted_out: false,
  quiet_hours: { start: '21:00', end: '08:00' },
  version: 12,
};

describe('customerProfileSchema', () => {
  it('accepts a full marketing profile', () => {
    expect(customerProfileSchema.parse(FULL_PROFILE)).toEqual(FULL_PROFILE);
  });

  it('still accepts the profiles written before marketing fields existed, and an empty one', () => {
    expect(customerProfileSchema.parse({ assets_under_management: 1_000, products_held: ['x'], age: 30, risk_tolerance: 'low' })).toBeDefined();
    expect(customerProfileSchema.parse({})).toEqual({});
  });

  it('accepts partial consent: an absent channel means no consent, it is not filled in', () => {
    expect(customerProfileSchema.parse({ marketing_consent: { email: true } })).toEqual({ marketing_consent: { email: true } });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a birthday that does not exist', { birthday: '1985-02-29' }, 'birthday'],
    ['a birthday in another format', { birthday: '14.06.1985' }, 'birthday'],
    ['an unknown time zone', { time_zone: 'Mars/Olympus' }, 'time_zone'],
    ['an offset instead of a zone', { time_zone: '+01:00' }, 'time_zone'],
    ['an unknown KYC status', { kyc_status: 'ok' }, 'kyc_status'],
    ['an unknown channel in consent', { marketing_consent: { fax: true } }, 'marketing_consent'],
    ['consent as text', { marketing_consent: { push: 'yes' } }, 'marketing_consent.push'],
    ['quiet hours in 12-hour time', { quiet_hours: { start: '9pm', end: '8am' } }, 'quiet_hours.start'],
    ['quiet hours at 24:00', { quiet_hours: { start: '21:00', end: '24:00' } }, 'quiet_hours.end'],
    ['an empty quiet window', { quiet_hours: { start: '08:00', end: '08:00' } }, 'quiet_hours'],
    ['an unknown preferred channel', { preferred_channel: 'letter' }, 'preferred_channel'],
    ['a language that is not a tag', { language: 'English' }, 'language'],
    ['a negative version', { version: -1 }, 'version'],
    ['an unknown field', { nickname: 'Al' }, 'nickname'],
  ])('rejects %s', (_, profile, path) => {
    const result = customerProfileSchema.safeParse(profile);
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => [...issue.path, ...('keys' in issue ? issue.keys : [])].join('.')) ?? [];
    expect(paths.join(' ')).toContain(path);
  });

  it('makes every top-level field addressable by rules as profile.<name>', () => {
    expect(PROFILE_FIELDS).toEqual(expect.arrayContaining(['kyc_status', 'time_zone', 'preferred_channel', 'opted_out', 'age']));
    for (const field of PROFILE_FIELDS) expect(fieldPathProblem(`profile.${field}`)).toBeUndefined();
  });
});

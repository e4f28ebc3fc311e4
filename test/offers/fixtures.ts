import { readFileSync } from 'node:fs';
import type { CustomerProfile } from '../../customers/profile.js';
import {
  campaignSchema, EXAMPLE_CAMPAIGNS_URL, parseCampaignSet,
  type Campaign, type CampaignInput, type OfferCustomer,
} from '../../offers/index.js';

/** The shipped example campaigns by id; throws if the file does not load (that test says why). */
export function exampleCampaigns(): Record<string, Campaign> {
  const result = parseCampaignSet(readFileSync(EXAMPLE_CAMPAIGNS_URL, 'utf8'), 'yaml');
  if (!result.ok) throw new Error(`examples do not load: ${result.errors.join('; ')}`);
  return Object.fromEntries(result.campaignSet.campaigns.map((c) => [c.id, c]));
}

export const BASE_CAMPAIGN: CampaignInput = {
  id: 'savings-boost',
  name: 'Savings boost',
  description: 'a test campaign',
  state: 'active',
  priority: 50,
  expected_value: 100,
  product: { id: 'savings-plus', risk_level: 'low' },
  trigger: { event_types: ['transfer_in'] },
  content: {
    push: { title: 'Save more', body: 'Open Savings Plus today.' },
    email: { title: 'Save more', body: 'Open Savings Plus today.' },
    sms: { title: 'Save', body: 'Open Savings Plus.' },
  },
  caps: { cooldown: '30d' },
};

/** A valid campaign: the base with `changes` applied at the top level. */
export function campaign(changes: Partial<CampaignInput> = {}): Campaign {
  return campaignSchema.parse({ ...BASE_CAMPAIGN, ...changes });
}

/** A customer marketing may contact on every channel: verified, consenting, medium risk, Berlin. */
export const CONSENTING_PROFILE: CustomerProfile = {
  assets_under_management: 30_000,
  products_held: ['current-account'],
  age: 41,
  risk_tolerance: 'medium',
  preferred_channel: 'push',
  language: 'en',
  relationship_manager: 'rm-7',
  birthday: '1985-06-14',
  time_zone: 'Europe/Berlin',
  kyc_status: 'verified',
  marketing_consent: { push: true, sms: true, email: true, rm_task: true },
  opted_out: false,
  quiet_hours: { start: '21:00', end: '08:00' },
  version: 3,
};

export function customer(changes: Partial<OfferCustomer> = {}, profile: Partial<CustomerProfile> = {}): OfferCustomer {
  return {
    customerId: 'cust-1',
    profile: { ...CONSENTING_PROFILE, ...profile },
    tier: 'mass',
    tags: [],
    features: {},
    openFraudAlert: false,
    ...changes,
  };
}

/** 14:00 in Berlin (12:00Z) on an ordinary Tuesday: outside any quiet hours. */
export const NOON = Date.parse('2026-03-10T12:00:00Z');

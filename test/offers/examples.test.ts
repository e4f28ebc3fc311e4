import { describe, expect, it } from 'vitest';
import type { VigilEvent } from '../../core/events/index.js';
import type { CustomerProfile } from '../../customers/profile.js';
import { decideOffers, triggeredCampaigns, type OfferCustomer } from '../../offers/index.js';
import { cardPayment, complaint, COMMUTER, login, salaryCredit, vigilEvent } from '../rules/fixtures.js';
import { customer, exampleCampaigns, NOON } from './fixtures.js';

const campaigns = Object.values(exampleCampaigns());
const ZONE = 'Europe/Berlin';
const transferIn = (amount: string): VigilEvent =>
  vigilEvent({ type: 'transfer_in', channel: 'open_banking', amount, currency: 'EUR', counterparty: { account: 'DE02120300000000202051', bank: 'BYLADEM1' } });

/** An ordinary salaried commuter with a verified, consenting profile, low churn, birthday in June. */
function commuter(changes: Partial<OfferCustomer> = {}, profile: Partial<CustomerProfile> = {}): OfferCustomer {
  return customer({ features: COMMUTER, scores: { churn: 0.1, fraud: 0.02 }, ...changes }, profile);
}

interface Moment {
  campaign: string;
  event: VigilEvent;
  who: OfferCustomer;
  /** The same kind of event on an ordinary day: the campaign must stay quiet. */
  unrelated: VigilEvent;
}

const MOMENTS: Moment[] = [
  { campaign: 'service-recovery', event: complaint('resolved'), who: commuter(), unrelated: complaint('opened') },
  { campaign: 'retention-offer', event: login(), who: commuter({ scores: { churn: 0.75, fraud: 0.02 } }), unrelated: login() },
  { campaign: 'birthday-greeting', event: login(), who: commuter({}, { birthday: '1985-03-10' }), unrelated: login() },
  { campaign: 'payroll-package', event: salaryCredit('3200.00'), who: commuter({ features: { ...COMMUTER, salary_credits_90d: 1 } }), unrelated: salaryCredit('3200.00') },
  {
    campaign: 'idle-balance-wealth',
    event: transferIn('18000.00'),
    who: commuter({ tier: 'vip', features: { ...COMMUTER, amount_in_30d: 24_000, outflow_ratio_30d: 0.1 } }),
    unrelated: transferIn('300.00'),
  },
  {
    campaign: 'travel-card',
    event: cardPayment('62.00', { merchant: { id: 'm-9', mcc: '5812', country: 'ES' } }),
    who: commuter({ features: { ...COMMUTER, distinct_countries_24h: 2, new_country: true, country_changed: true } }),
    unrelated: cardPayment('45.00'),
  },
  { campaign: 'product-anniversary', event: login(), who: commuter({}, { products_opened: [{ product: 'mortgage', opened_on: '2019-03-10' }] }), unrelated: login() },
];

describe('example campaigns', () => {
  it('cover every example with a moment', () => {
    expect(MOMENTS.map((m) => m.campaign).sort()).toEqual(campaigns.map((c) => c.id).sort());
  });

  it.each(MOMENTS)('$campaign fires on its moment, alone', ({ campaign, event, who }) => {
    const fired = triggeredCampaigns(campaigns, event, who, NOON, ZONE);
    expect(fired.map((f) => f.campaign.id)).toEqual([campaign]);
    expect(fired[0]?.because.length).toBeGreaterThan(0);
  });

  it.each(MOMENTS)('$campaign stays quiet on an ordinary day of the same customer', ({ unrelated }) => {
    expect(triggeredCampaigns(campaigns, unrelated, commuter(), NOON, ZONE)).toEqual([]);
  });

  it.each(MOMENTS)('$campaign is chosen for a consenting customer, with its message filled in', ({ campaign, event, who }) => {
    const decision = decideOffers(triggeredCampaigns(campaigns, event, who, NOON, ZONE), { event, customer: who }, {}, NOON);
    expect(decision.suppressed).toEqual([]);
    expect(decision.chosen?.campaign.id).toBe(campaign);
    expect(decision.chosen?.content.body).not.toMatch(/[{}]/);
  });

  it('fills placeholders in the customer language: the salary amount, the country abroad', () => {
    const payroll = MOMENTS[3] as Moment;
    const decision = decideOffers(triggeredCampaigns(campaigns, payroll.event, payroll.who, NOON, ZONE), { event: payroll.event, customer: payroll.who }, {}, NOON);
    expect(decision.chosen?.content.body).toBe('€3,200.00 received. Make us your salary account and get the payroll package free.');
    const travel = MOMENTS[5] as Moment;
    const abroad = decideOffers(triggeredCampaigns(campaigns, travel.event, travel.who, NOON, ZONE), { event: travel.event, customer: travel.who }, {}, NOON);
    expect(abroad.chosen?.content.body).toBe('Paying abroad (ES)? The travel card has no foreign-exchange fees.');
  });

  it('celebrates a 29 February birthday on 28 February in a common year, once, in the customer zone', () => {
    const leapling = commuter({}, { birthday: '1988-02-29', time_zone: 'Asia/Tokyo' });
    const fires = (iso: string): string[] => triggeredCampaigns(campaigns, login(), leapling, Date.parse(iso), ZONE).map((f) => f.campaign.id);
    expect(fires('2027-02-28T03:00:00Z')).toEqual(['birthday-greeting']);
    // 16:00Z on 28 February is already 1 March in Tokyo.
    expect(fires('2027-02-28T16:00:00Z')).toEqual([]);
    expect(fires('2028-02-28T03:00:00Z')).toEqual([]);
    expect(fires('2028-02-29T03:00:00Z')).toEqual(['birthday-greeting']);
  });

  it('does not offer the medium-risk portfolio to a customer whose tolerance is unknown', () => {
    const wealth = MOMENTS[4] as Moment;
    const who = { ...wealth.who, profile: { ...wealth.who.profile, risk_tolerance: undefined } };
    const decision = decideOffers(triggeredCampaigns(campaigns, wealth.event, who, NOON, ZONE), { event: wealth.event, customer: who }, {}, NOON);
    expect(decision.chosen).toBeUndefined();
    expect(decision.suppressed).toEqual([
      { campaignId: 'idle-balance-wealth', reason: 'not_eligible:suitability', detail: 'managed-savings-portfolio is medium risk; risk tolerance unknown (treated as low)' },
    ]);
  });
});

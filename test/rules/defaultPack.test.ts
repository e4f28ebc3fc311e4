import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { VigilEvent } from '../../core/events/index.js';
import type { FeatureVector } from '../../customers/index.js';
import { ListSnapshot } from '../../lists/index.js';
import { DEFAULT_RULE_PACK_URL, evaluateRules, KNOWN_FEATURES, parseRuleSet, type RuleSet } from '../../rules/index.js';
import {
  cardPayment, cashWithdrawal, COMMUTER, complaint, GENUINE_CUSTOMERS, GENUINE_EVENTS, login, productClosed, ruleContext, transferOut,
} from './fixtures.js';

function loadDefaultPack(): RuleSet {
  const result = parseRuleSet(readFileSync(DEFAULT_RULE_PACK_URL, 'utf8'), 'yaml', KNOWN_FEATURES);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.ruleSet;
}
const pack = loadDefaultPack();

// The default lists (lists/packs/default.yaml) with one entry each where a typology needs it;
// the genuine fixtures' customer, devices, payees and merchants are on none of them.
const NOW = Date.parse('2026-03-10T14:30:00Z');
const snapshot = new ListSnapshot();
for (const [name, purpose, kind] of [
  ['blocked-devices', 'block', 'device'], ['blocked-payees', 'block', 'payee_account'], ['trusted-payees', 'allow', 'payee_account'],
  ['watched-customers', 'watch', 'customer'],
] as const) snapshot.putList({ name, purpose, kind });
snapshot.putEntry('blocked-devices', 'dev-stolen', 'reported stolen', NOW + 86_400_000);
snapshot.putEntry('blocked-payees', 'GB33BUKB20201555555555', 'mule account', NOW + 86_400_000);
snapshot.putEntry('trusted-payees', 'GB94BARC10201530093459', "customer's own account", NOW + 86_400_000);
snapshot.putEntry('watched-customers', 'cust-watched', 'recent fraud victim', NOW + 86_400_000);
const lists = snapshot.at(NOW);
const firing = (event: VigilEvent, features: FeatureVector): string[] => evaluateRules(pack, ruleContext(event, features, { lists })).map((m) => m.ruleId);

interface Typology {
  rule: string;
  label: string;
  event: VigilEvent;
  features: FeatureVector;
  /** One change that takes the case just below a threshold: the rule must then stay quiet. */
  nearMiss: { event?: VigilEvent; features?: FeatureVector };
}

// Each typology starts from the genuine commuter and changes only what the pattern changes.
const TYPOLOGIES: Typology[] = [
  { rule: 'card-testing', label: '12 tiny payments at new web shops in 10 min', event: cardPayment('1.50', { channel: 'ecommerce' }),
    features: { card_payment_new_merchant_count_10m: 12, small_card_payment_count_10m: 10, card_payment_count_10m: 12, txn_count_10m: 12, txn_count_1h: 13 },
    nearMiss: { features: { card_payment_new_merchant_count_10m: 5, small_card_payment_count_10m: 5 } } },
  { rule: 'account-takeover', label: 'password reset an hour ago, 4,800 to a new payee', event: transferOut('4800.00'),
    features: { seconds_since_password_reset: 3_600, password_resets_24h: 1, new_payee: true, amount_zscore: 2.5 },
    nearMiss: { features: { seconds_since_password_reset: 3_600, password_resets_24h: 1, new_payee: false } } },
  { rule: 'account-takeover', label: 'new device, 900 to a new payee, far above normal', event: transferOut('900.00'),
    features: { new_device: true, new_payee: true, amount_zscore: 8.5 },
    nearMiss: { features: { new_device: true, new_payee: true, amount_zscore: 2 } } },
  { rule: 'velocity-burst', label: '18 transactions in an hour', event: cardPayment('20.00'),
    features: { txn_count_1h: 18, txn_count_10m: 6, card_payment_count_1h: 17 },
    nearMiss: { features: { txn_count_1h: 14 } } },
  { rule: 'velocity-burst', label: 'six transfers totalling 3,000 in an hour', event: transferOut('500.00'),
    features: { transfer_out_count_1h: 6, amount_out_1h: 3_000 },
    nearMiss: { features: { transfer_out_count_1h: 6, amount_out_1h: 900 } } },
  { rule: 'impossible-travel', label: 'login 1,400 km away 20 minutes after a card payment', event: login({ geo: { country: 'ES' } }),
    features: { geo_distance_km_from_previous: 1_400, geo_speed_kmh_from_previous: 4_200, country_changed: true, new_country: true },
    nearMiss: { features: { geo_distance_km_from_previous: 1_400, geo_speed_kmh_from_previous: 650 } } },
  { rule: 'money-mule', label: 'seven credits in a day, 94% forwarded', event: transferOut('2900.00'),
    features: { inbound_credits_count_24h: 7, transfer_in_count_24h: 7, amount_in_24h: 3_100, forwarded_out_ratio_24h: 0.94 },
    nearMiss: { features: { inbound_credits_count_24h: 7, amount_in_24h: 3_100, forwarded_out_ratio_24h: 0.5 } } },
  { rule: 'unusual-amount', label: '3,900 at a jeweller for a customer averaging 48', event: cardPayment('3900.00'),
    features: { amount_zscore: 6.2, amount_current: 3_900 },
    nearMiss: { event: cardPayment('800.00'), features: { amount_zscore: 6.2 } } },
  { rule: 'dormant-account-reactivated', label: '1,500 withdrawn after 240 idle days', event: cashWithdrawal('1500.00'),
    features: { days_since_last_txn_before_current: 240, txn_count_30d: 1, txn_count_90d: 1 },
    nearMiss: { features: { days_since_last_txn_before_current: 150 } } },
  { rule: 'blocked-entity', label: 'login from a device reported stolen', event: login({ device: { id: 'dev-stolen' } }), features: {},
    nearMiss: { event: login({ device: { id: 'dev-2' } }) } },
  { rule: 'blocked-entity', label: 'transfer to a known mule account', event: transferOut('90.00', { counterparty: { account: 'gb33 bukb 2020 1555 5555 55' } }), features: {},
    nearMiss: { event: transferOut('90.00', { counterparty: { account: 'GB33BUKB20201555555556' } }) } },
  { rule: 'watched-customer-payment', label: 'card payment by a customer under review', event: cardPayment('30.00', { customer_id: 'cust-watched' }), features: {},
    nearMiss: { event: login({ customer_id: 'cust-watched' }) } },
  { rule: 'activity-decline', label: '30-day activity at a quarter of the usual rate', event: cardPayment('20.00'),
    features: { txn_trend_30d_vs_90d: 0.25, txn_count_30d: 12, txn_count_90d: 110 },
    nearMiss: { features: { txn_trend_30d_vs_90d: 0.25, txn_count_90d: 20 } } },
  { rule: 'salary-stopped', label: 'no salary for 45 days', event: cardPayment(),
    features: { salary_stopped: true, salary_regular: false, days_since_salary: 45 },
    nearMiss: { features: { days_since_salary: 33 } } },
  { rule: 'outflows-to-other-banks', label: '6,200 moved to other banks this month', event: transferOut('2500.00'),
    features: { outflow_to_other_banks_30d: 6_200, outflow_to_other_banks_ratio_30d: 0.78 },
    nearMiss: { features: { outflow_to_other_banks_30d: 1_200, outflow_to_other_banks_ratio_30d: 0.7 } } },
  { rule: 'repeated-complaints', label: 'second complaint this month', event: complaint(),
    features: { complaints_30d: 2, complaints_open: 2 },
    nearMiss: { features: { complaints_30d: 1 } } },
  { rule: 'product-closed', label: 'savings account closed', event: productClosed('savings'),
    features: {}, nearMiss: { event: productClosed('debit_card') } },
  { rule: 'app-sessions-fading', label: 'app use down to 15% of the usual rate', event: login(),
    features: { app_session_trend_30d_vs_90d: 0.15, app_session_count_30d: 3 },
    nearMiss: { features: { app_session_trend_30d_vs_90d: 0.15, customer_age_days: 60 } } },
  { rule: 'complaint-opened', label: 'complaint opened', event: complaint(), features: {},
    nearMiss: { event: complaint('resolved') } },
];

describe('default rule pack', () => {
  it('loads and validates against the feature catalogue', () => {
    expect(pack.version).toBe('2026.1');
    expect(pack.rules.length).toBeGreaterThanOrEqual(14);
  });

  it('the genuine fixtures carry every catalogued feature and nothing else', () => {
    expect(Object.keys(COMMUTER).sort()).toEqual([...KNOWN_FEATURES].sort());
  });

  it('has a typology case for every rule', () => {
    expect(new Set(TYPOLOGIES.map((t) => t.rule))).toEqual(new Set(pack.rules.map((r) => r.id)));
  });

  it.each(TYPOLOGIES.map((t) => [t.rule, t.label, t] as const))('%s fires on its typology: %s', (rule, _, typology) => {
    expect(firing(typology.event, { ...COMMUTER, ...typology.features })).toContain(rule);
  });

  it.each(TYPOLOGIES.map((t) => [t.rule, t.label, t] as const))('%s stays quiet just below its threshold: %s', (rule, _, typology) => {
    const features = typology.nearMiss.features ? { ...COMMUTER, ...typology.nearMiss.features } : { ...COMMUTER, ...typology.features };
    expect(firing(typology.nearMiss.event ?? typology.event, features)).not.toContain(rule);
  });

  it.each(Object.entries(GENUINE_CUSTOMERS))('raises nothing on an ordinary day of the %s', (_, features) => {
    for (const event of GENUINE_EVENTS) expect({ event: event.type, firing: firing(event, features) }).toEqual({ event: event.type, firing: [] });
  });

  it('explains card testing in the words of the brief', () => {
    const [match] = evaluateRules(pack, ruleContext(cardPayment('1.50'), { ...COMMUTER, card_payment_new_merchant_count_10m: 12, small_card_payment_count_10m: 10 }));
    expect(match?.reason).toBe('12 card payments at new merchants in 10 min (threshold > 5), 10 of them small');
    expect(match?.reasons.map((r) => r.text)).toEqual([
      '12 card payments at new merchants in 10 min (threshold > 5)',
      '10 small card payments in 10 min (threshold ≥ 4)',
    ]);
  });

  it('keeps account takeover quiet for a payee the bank verified (allow list), and says so for a blocked device', () => {
    const takeover = { ...COMMUTER, seconds_since_password_reset: 3_600, new_payee: true };
    expect(firing(transferOut('4800.00', { counterparty: { account: 'GB94BARC10201530093459' } }), takeover)).not.toContain('account-takeover');
    expect(firing(transferOut('4800.00', { counterparty: { account: 'GB94BARC10201530093458' } }), takeover)).toContain('account-takeover');
    const [blocked] = evaluateRules(pack, ruleContext(login({ device: { id: 'dev-stolen' } }), COMMUTER, { lists }));
    expect(blocked?.reason).toBe('device dev-stolen is on block list blocked-devices: reported stolen (until 2026-03-11)');
  });

  it('explains an account takeover with each signal that fired', () => {
    const [match] = evaluateRules(pack, ruleContext(transferOut('4800.00'), { ...COMMUTER, seconds_since_password_reset: 3_600, new_payee: true }));
    expect(match?.ruleId).toBe('account-takeover');
    expect(match?.reason).toBe(
      'password reset 60 min ago (threshold between 0 s and 24 h); first payment to this payee; amount 4,800.00 EUR (threshold ≥ 2,500.00 EUR)',
    );
  });
});

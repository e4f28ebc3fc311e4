import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  evaluateCondition, evaluateRules, resolveField, ruleSetSchema,
  type Condition, type RuleInput, type RuleSet,
} from '../../rules/index.js';
import { ListSnapshot } from '../../lists/membership.js';
import { cardPayment, cashWithdrawal, complaint, COMMUTER, login, ruleContext, transferOut, vigilEvent } from './fixtures.js';

function rule(overrides: Partial<RuleInput> & Pick<RuleInput, 'condition'>): RuleInput {
  return {
    id: 'test-rule', name: 'Test rule', description: 'for tests', alert_type: 'fraud', severity: 'high',
    weight: 0.5, mode: 'active', suppress_for: '1h', ...overrides,
  };
}
const ruleSet = (...rules: RuleInput[]): RuleSet => ruleSetSchema.parse({ version: 'test', rules });

const features = { txn_count_1h: 14, new_device: true, new_payee: false, amount_zscore: 4.5, salary_stopped: false };
const ctx = ruleContext(transferOut('2500.00'), features);

describe('evaluateCondition: all / any / not', () => {
  const gt = (field: string, value: number): Condition => ({ field: `features.${field}`, op: 'gt', value });
  const truthy = gt('txn_count_1h', 10);
  const falsy = gt('txn_count_1h', 20);

  it.each<[string, Condition, boolean]>([
    ['all of true, true', { all: [truthy, { field: 'features.new_device', op: 'eq', value: true }] }, true],
    ['all of true, false', { all: [truthy, falsy] }, false],
    ['any of false, true', { any: [falsy, truthy] }, true],
    ['any of false, false', { any: [falsy, { field: 'features.new_payee', op: 'eq', value: true }] }, false],
    ['not of false', { not: falsy }, true],
    ['not of true', { not: truthy }, false],
    ['not of not of true', { not: { not: truthy } }, true],
    ['all of any and not', { all: [{ any: [falsy, truthy] }, { not: { field: 'features.new_payee', op: 'eq', value: true } }] }, true],
    ['any of all and not-all', { any: [{ all: [truthy, falsy] }, { not: { all: [truthy, falsy] } }] }, true],
    ['missing feature', gt('not_computed', 0), false],
    ['not of a missing feature', { not: gt('not_computed', 0) }, true],
  ])('%s holds: %s', (_, condition, holds) => {
    expect(evaluateCondition(condition, ctx).holds).toBe(holds);
  });

  it('any reports every branch that held, and only those', () => {
    const outcome = evaluateCondition({ any: [falsy, truthy, { field: 'features.new_device', op: 'eq', value: true }] }, ctx);
    expect(outcome.because.map((r) => r.field)).toEqual(['features.txn_count_1h', 'features.new_device']);
    expect(outcome.because.every((r) => r.threshold !== 20)).toBe(true);
  });

  it('not reports what did not hold, flagged negated', () => {
    const outcome = evaluateCondition({ not: { field: 'event.counterparty.bank', op: 'exists' } }, ruleContext(cashWithdrawal(), {}));
    expect(outcome.holds).toBe(true);
    expect(outcome.because).toEqual([
      { field: 'event.counterparty.bank', op: 'exists', actual: undefined, threshold: undefined, negated: true, text: "no payee's bank" },
    ]);
  });

  it('not over all reports the comparisons that failed, with their values', () => {
    const outcome = evaluateCondition({ not: { all: [truthy, { field: 'features.new_payee', op: 'eq', value: true }] } }, ctx);
    expect(outcome.holds).toBe(true);
    expect(outcome.because.map((r) => [r.text, r.negated])).toEqual([['payee paid before', true]]);
  });

  // Random trees over leaves with known truth: the tree's outcome must follow boolean algebra.
  const leaves: [Condition, boolean][] = [
    [truthy, true], [falsy, false], [{ field: 'features.new_device', op: 'eq', value: true }, true], [gt('missing', 0), false],
  ];
  type Tree = { condition: Condition; truth: boolean };
  const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom(...leaves).map(([condition, truth]) => ({ condition, truth })),
      fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((ts) => ({ condition: { all: ts.map((t) => t.condition) }, truth: ts.every((t) => t.truth) })),
      fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((ts) => ({ condition: { any: ts.map((t) => t.condition) }, truth: ts.some((t) => t.truth) })),
      tie('tree').map((t) => ({ condition: { not: t.condition }, truth: !t.truth })),
    ),
  }));

  it('nested trees follow boolean algebra, and a tree that holds always explains itself', () => {
    fc.assert(fc.property(tree, ({ condition, truth }) => {
      const outcome = evaluateCondition(condition, ctx);
      expect(outcome.holds).toBe(truth);
      expect(outcome.because.length).toBeGreaterThan(0);
    }));
  });
});

describe('field paths', () => {
  const profile = { age: 41, risk_tolerance: 'low' as const, products_held: ['current_account'] };
  const full = ruleContext(transferOut('1234.56', { geo: { country: 'FR' } }), COMMUTER, { tier: 'vip', tags: ['needs:travel'], profile });

  it.each<[string, unknown]>([
    ['event.amount', 1234.56],
    ['event.amount_minor', 123456],
    ['event.type', 'transfer_out'],
    ['event.channel', 'mobile_app'],
    ['event.geo.country', 'FR'],
    ['event.counterparty.bank', 'COBADEFF'],
    ['event.merchant.mcc', undefined],
    ['features.txn_count_30d', 85],
    ['features.not_computed', undefined],
    ['tier', 'vip'],
    ['tags', ['needs:travel']],
    ['profile.age', 41],
    ['profile.assets_under_management', undefined],
  ])('%s resolves to %j', (path, expected) => {
    expect(resolveField(path, full)).toEqual(expected);
  });

  it.each<[string, string, number]>([
    ['JPY has no minor unit', 'JPY', 5000],
    ['KWD has three', 'KWD', 5],
    ['EUR has two', 'EUR', 5],
  ])('event.amount is in major units: %s', (_, currency, expected) => {
    const event = vigilEvent({ type: 'cash_withdrawal', channel: 'atm', amount: currency === 'JPY' ? '5000' : '5', currency });
    expect(resolveField('event.amount', ruleContext(event, {}))).toBe(expected);
  });

  it('a login has no amount, so an amount comparison is false and exists is false', () => {
    const loginCtx = ruleContext(login(), {});
    expect(evaluateCondition({ field: 'event.amount', op: 'gte', value: 0 }, loginCtx).holds).toBe(false);
    expect(evaluateCondition({ field: 'event.amount', op: 'exists' }, loginCtx).holds).toBe(false);
  });
});

describe('explanations', () => {
  const explain = (condition: Condition, context = ctx): string[] => evaluateCondition(condition, context).because.map((r) => r.text);

  it.each<[string, Condition, Record<string, number | boolean>, string]>([
    ['count', { field: 'features.card_payment_new_merchant_count_10m', op: 'gt', value: 5 }, { card_payment_new_merchant_count_10m: 12 },
      '12 card payments at new merchants in 10 min (threshold > 5)'],
    ['amount', { field: 'features.amount_out_24h', op: 'gte', value: 2000 }, { amount_out_24h: 5300.5 }, '5,300.50 paid out in 24 h (threshold ≥ 2,000)'],
    ['ratio', { field: 'features.forwarded_out_ratio_24h', op: 'gte', value: 0.8 }, { forwarded_out_ratio_24h: 0.92 },
      '92% of the money received in 24 h forwarded out (threshold ≥ 80%)'],
    ['trend', { field: 'features.txn_trend_30d_vs_90d', op: 'lt', value: 0.4 }, { txn_trend_30d_vs_90d: 0.25 },
      'transactions over the last 30 days at 25% of the 90-day rate (threshold < 40%)'],
    ['seconds', { field: 'features.seconds_since_password_reset', op: 'between', value: [0, 86400] }, { seconds_since_password_reset: 3600 },
      'password reset 60 min ago (threshold between 0 s and 24 h)'],
    ['speed', { field: 'features.geo_speed_kmh_from_previous', op: 'gt', value: 900 }, { geo_speed_kmh_from_previous: 4210.4 },
      "travel at 4,210 km/h from the previous event's location (threshold > 900 km/h)"],
    ['days', { field: 'features.days_since_last_txn_before_current', op: 'gte', value: 180 }, { days_since_last_txn_before_current: 240 },
      'first transaction after 240 days without any (threshold ≥ 180 days)'],
    ['z-score', { field: 'features.amount_zscore', op: 'gte', value: 4 }, { amount_zscore: 6.24 },
      "amount 6.2 standard deviations from this customer's 90-day average (threshold ≥ 4.0)"],
    ['flag', { field: 'features.new_device', op: 'eq', value: true }, { new_device: true }, 'new device'],
    ['flag stored as 1', { field: 'features.salary_stopped', op: 'eq', value: true }, { salary_stopped: 1 }, 'expected salary credit missing'],
    ['uncatalogued feature', { field: 'features.branch_visit_count_30d', op: 'gt', value: 2 }, { branch_visit_count_30d: 3 },
      'branch_visit_count_30d = 3 (threshold > 2)'],
  ])('%s', (_, condition, vector, text) => {
    expect(explain(condition, ruleContext(cardPayment(), vector))).toEqual([text]);
  });

  it.each<[string, Condition, string]>([
    ['event amount with currency', { field: 'event.amount', op: 'gte', value: 1000 }, 'amount 2,500.00 EUR (threshold ≥ 1,000.00 EUR)'],
    ['event type', { field: 'event.type', op: 'eq', value: 'transfer_out' }, 'event type is transfer_out'],
    ['in', { field: 'event.channel', op: 'in', value: ['mobile_app', 'web'] }, 'channel mobile_app is one of mobile_app, web'],
    ['not_in', { field: 'event.channel', op: 'not_in', value: ['branch'] }, 'channel mobile_app is none of branch'],
    ['neq', { field: 'event.channel', op: 'neq', value: 'branch' }, 'channel is mobile_app, not branch'],
    ['exists', { field: 'event.counterparty.bank', op: 'exists' }, "payee's bank present: COBADEFF"],
    ['contains on tags', { field: 'tags', op: 'contains', value: 'needs:travel' }, 'tags include needs:travel'],
    ['in on tags names the tags that matched', { field: 'tags', op: 'in', value: ['behaviour:dormant', 'needs:travel'] }, 'tags include needs:travel'],
    ['negated not_in on tags', { not: { field: 'tags', op: 'not_in', value: ['needs:travel', 'needs:credit'] } }, 'tags include needs:travel'],
    ['tier', { field: 'tier', op: 'in', value: ['vip', 'mass'] }, 'customer tier mass is one of vip, mass'],
    ['negated numeric', { not: { field: 'features.txn_count_1h', op: 'gt', value: 20 } }, '14 transactions in 1 h (not > 20)'],
    ['negated eq', { not: { field: 'event.channel', op: 'eq', value: 'branch' } }, 'channel is mobile_app, not branch'],
    ['negated contains', { not: { field: 'tags', op: 'contains', value: 'behaviour:dormant' } }, 'tags do not include behaviour:dormant'],
    ['negated missing feature', { not: { field: 'features.failed_logins_1h', op: 'gt', value: 3 } }, 'no value for feature failed_logins_1h'],
  ])('%s', (_, condition, text) => {
    expect(explain(condition, { ...ctx, tags: ['needs:travel'] })).toEqual([text]);
  });
});

describe('reasons speak of this event', () => {
  const set = ruleSet(rule({ condition: { all: [
    { field: 'event.amount', op: 'gte', value: 500 },
    { field: 'features.own_account_transfer', op: 'eq', value: false },
  ] } }));

  it('leaves "to someone else\'s account" out of a card payment\'s and a cash withdrawal\'s reasons, and keeps it for a transfer', () => {
    const texts = (event: Parameters<typeof ruleContext>[0]) => evaluateRules(set, ruleContext(event, { own_account_transfer: false }))[0]!.reasons.map((r) => r.text);
    expect(texts(cardPayment('742.00'))).toEqual(['amount 742.00 EUR (threshold ≥ 500.00 EUR)']);
    expect(texts(cashWithdrawal('600.00'))).toEqual(['amount 600.00 EUR (threshold ≥ 500.00 EUR)']);
    expect(texts(transferOut('900.00'))).toEqual(['amount 900.00 EUR (threshold ≥ 500.00 EUR)', "to someone else's account"]);
  });
});

describe('money in explanations is exact', () => {
  // 9007199254740991 pence: the largest safe integer. As a double in pounds it prints …409.90.
  const huge = ruleContext(transferOut('90071992547409.91', { currency: 'GBP' }), { amount_current: 90071992547409.91 });

  it('writes the event amount from its minor units, in the text, the template and the data behind it', () => {
    const set = ruleSet(rule({ condition: { field: 'event.amount', op: 'gte', value: 1000 }, reason: 'paid {event.amount}' }));
    const [match] = evaluateRules(set, huge);
    expect(match?.reasons[0]).toMatchObject({ text: 'amount 90,071,992,547,409.91 GBP (threshold ≥ 1,000.00 GBP)', actual: '90071992547409.91' });
    expect(match?.reason).toBe('paid 90,071,992,547,409.91 GBP');
  });

  it('compares the event amount on its minor units: a penny above the threshold holds, at it does not', () => {
    // As doubles …409.91 and …409.90 are one number, so `gt` failed on a float quotient.
    expect(evaluateCondition({ field: 'event.amount', op: 'gt', value: 90071992547409.9 }, huge).holds).toBe(true);
    expect(evaluateCondition({ field: 'event.amount', op: 'lte', value: 90071992547409.9 }, huge).holds).toBe(false);
    expect(evaluateCondition({ field: 'event.amount', op: 'eq', value: 90071992547409.9 }, huge).holds).toBe(false);
    expect(evaluateCondition({ field: 'event.amount', op: 'between', value: [90071992547409.9, 90071992547410] }, huge).holds).toBe(true);
    const at = ruleContext(transferOut('1500.00'), {});
    expect(['gt', 'gte', 'lt', 'lte', 'eq', 'neq'].map((op) => evaluateCondition({ field: 'event.amount', op, value: 1500 } as Condition, at).holds))
      .toEqual([false, true, false, true, true, false]);
  });

  it('writes amount_current, the event amount as a feature, exactly too', () => {
    expect(evaluateCondition({ field: 'features.amount_current', op: 'gt', value: 0 }, huge).because[0]?.text).toBe('amount 90,071,992,547,409.91 (threshold > 0)');
  });

  it('keeps a threshold with more decimals than the currency as written, and a 3-decimal amount feature unrounded', () => {
    expect(evaluateCondition({ field: 'event.amount', op: 'gte', value: 99.999 }, ctx).because[0]?.text).toBe('amount 2,500.00 EUR (threshold ≥ 99.999 EUR)');
    expect(evaluateCondition({ field: 'features.amount_out_24h', op: 'gt', value: 1 }, ruleContext(cardPayment(), { amount_out_24h: 12.345 })).because[0]?.text)
      .toBe('12.345 paid out in 24 h (threshold > 1)');
  });
});

describe('evaluateRules', () => {
  it('returns one match per firing rule with its alert type, severity, weight, mode and suppression', () => {
    const matches = evaluateRules(ruleSet(rule({ condition: { field: 'features.txn_count_1h', op: 'gte', value: 10 } })), ctx);
    expect(matches).toEqual([expect.objectContaining({
      ruleId: 'test-rule', ruleName: 'Test rule', alertType: 'fraud', severity: 'high', weight: 0.5, mode: 'active',
      suppressFor: '1h', suppressForMs: 3_600_000, reason: '14 transactions in 1 h (threshold ≥ 10)',
    })]);
  });

  it('flags shadow rules as shadow and still returns them', () => {
    const matches = evaluateRules(ruleSet(rule({ mode: 'shadow', condition: { field: 'features.new_device', op: 'eq', value: true } })), ctx);
    expect(matches.map((m) => m.mode)).toEqual(['shadow']);
  });

  it('skips rules whose event types do not include this event', () => {
    const set = ruleSet(rule({ when: { event_types: ['card_payment'] }, condition: { field: 'features.new_device', op: 'eq', value: true } }));
    expect(evaluateRules(set, ctx)).toEqual([]);
    expect(evaluateRules(set, { ...ctx, event: cardPayment() })).toHaveLength(1);
  });

  it('joins the firing comparisons into the reason when the rule has no template', () => {
    const set = ruleSet(rule({ condition: { all: [{ field: 'features.new_device', op: 'eq', value: true }, { field: 'event.amount', op: 'gte', value: 1000 }] } }));
    expect(evaluateRules(set, ctx)[0]?.reason).toBe('new device; amount 2,500.00 EUR (threshold ≥ 1,000.00 EUR)');
  });

  it('fills a reason template with values and thresholds', () => {
    const set = ruleSet(rule({
      condition: { all: [{ field: 'features.txn_count_1h', op: 'gte', value: 10 }, { field: 'features.amount_zscore', op: 'gte', value: 4 }] },
      reason: '{features.txn_count_1h} transactions in an hour (threshold {threshold}); z-score {features.amount_zscore} ≥ {threshold:features.amount_zscore} on {event.amount}',
    }));
    expect(evaluateRules(set, ctx)[0]?.reason).toBe('14 transactions in an hour (threshold 10); z-score 4.5 ≥ 4.0 on 2,500.00 EUR');
  });

  it('keeps rule-set order and evaluates rules independently', () => {
    const set = ruleSet(
      rule({ id: 'second', condition: { field: 'features.new_device', op: 'eq', value: true } }),
      rule({ id: 'never', condition: { field: 'features.txn_count_1h', op: 'gt', value: 100 } }),
      rule({ id: 'first', alert_type: 'complaint_sla', condition: { field: 'event.complaint.status', op: 'eq', value: 'opened' } }),
    );
    expect(evaluateRules(set, ctx).map((m) => m.ruleId)).toEqual(['second']);
    expect(evaluateRules(set, { ...ctx, event: complaint() }).map((m) => m.ruleId)).toEqual(['second', 'first']);
  });
});

describe('evaluateRules against evaluateCondition', () => {
  // Rules are compiled once per rule set into tests that skip the explanation (compiledRules.ts);
  // whatever the condition, a rule must fire exactly when its condition holds, explained the same.
  const snapshot = new ListSnapshot();
  snapshot.putList({ name: 'blocked-devices', purpose: 'block', kind: 'device' });
  snapshot.putEntry('blocked-devices', 'dev-9', 'reported stolen', Date.parse('2026-03-10T00:00:00Z'));
  const lists = snapshot.at(Date.parse('2026-03-01T00:00:00Z'));
  const leaves: Condition[] = [
    { field: 'features.txn_count_1h', op: 'gte', value: 14 }, { field: 'features.txn_count_1h', op: 'gt', value: 14 },
    { field: 'features.amount_zscore', op: 'lt', value: 5 }, { field: 'features.amount_zscore', op: 'lte', value: 4.5 },
    { field: 'features.amount_zscore', op: 'between', value: [4, 5] }, { field: 'features.new_device', op: 'eq', value: true },
    { field: 'features.new_payee', op: 'neq', value: true }, { field: 'features.not_computed', op: 'gte', value: 0 },
    { field: 'features.not_computed', op: 'exists' }, { field: 'event.amount', op: 'gte', value: 100 },
    { field: 'event.amount', op: 'between', value: [0, 50] }, { field: 'event.amount', op: 'in', value: [45, 2500] },
    { field: 'event.type', op: 'in', value: ['transfer_out', 'login'] }, { field: 'event.counterparty.bank', op: 'exists' },
    { field: 'event.device.id', op: 'in_list', value: 'blocked-devices' }, { field: 'event.device.id', op: 'not_in_list', value: 'blocked-devices' },
    { field: 'tier', op: 'eq', value: 'vip' }, { field: 'tags', op: 'contains', value: 'needs:travel' }, { field: 'profile.age', op: 'gte', value: 40 },
  ];
  const { tree } = fc.letrec<{ tree: Condition }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom(...leaves),
      fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
      fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
      tie('tree').map((not) => ({ not })),
    ),
  }));
  const contexts = [
    ctx,
    ruleContext(cardPayment('45.00'), features, { tier: 'vip', tags: ['needs:travel'], profile: { age: 41 } }),
    ruleContext(login({ device: { id: 'dev-9' } }), {}, { lists }),
    ruleContext(login({ device: { id: 'dev-1' } }), features, { lists }),
  ];

  it('fires a rule exactly when its condition holds, with the same explanation', () => {
    fc.assert(fc.property(tree, fc.constantFrom(...contexts), (condition, context) => {
      const outcome = evaluateCondition(condition, context);
      const matches = evaluateRules(ruleSet(rule({ condition })), context);
      expect(matches.length).toBe(outcome.holds ? 1 : 0);
      if (outcome.holds) expect(matches[0]!.reasons).toEqual(outcome.because);
    }));
  });
});

import { describe, expect, it } from 'vitest';
import { parseEvent, type EventInput, type VigilEvent } from '../../core/events/index.js';
import { DEFAULT_SEGMENTATION_CONFIG } from '../../customers/index.js';
import { DEFAULT_FEATURE_CONFIG, FEATURE_NAMES } from '../../features/index.js';
import { assessEvent, assessReview, type CustomerRiskState, type RiskContext } from '../../risk/assess.js';
import { challengerAlertRows } from '../../risk/challenger.js';
import { decodeRiskState, emptyRiskState, encodeRiskState } from '../../risk/riskState.js';
import { customerReview } from '../../core/events/index.js';
import { parseRuleSet, type RuleSet } from '../../rules/index.js';
import { cardPayment } from '../support/events.js';

// The challenger is judged on the champion's features and keeps scores and suppression of its
// own: the champion's assessment must be the same with or without it, and its suppression must
// count as the champion's does.

const rule = (id: string, value: number, suppressFor: string) => `
  - id: ${id}
    name: ${id}
    description: payments of ${value} or more
    alert_type: fraud
    severity: high
    weight: 0.4
    mode: active
    suppress_for: ${suppressFor}
    when: { event_types: [card_payment] }
    condition: { field: event.amount, op: gte, value: ${value} }`;

function ruleSet(text: string): RuleSet {
  const parsed = parseRuleSet(text, 'yaml', FEATURE_NAMES);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.ruleSet;
}

const champion = ruleSet(`version: "champ"\nrules:${rule('large', 1000, '0s')}\n`);
const challenger = ruleSet(`version: "chal"\nrules:${rule('large', 1000, '1h')}${rule('huge', 5000, '0s')}\n`);

const context = (extra: Partial<RiskContext> = {}): RiskContext => ({
  ruleSet: champion, featureConfig: DEFAULT_FEATURE_CONFIG, segmentation: DEFAULT_SEGMENTATION_CONFIG, complaintSlaHours: { default: 48 }, ...extra,
});

const event = (amount: string, minute: number): VigilEvent => {
  const parsed = parseEvent(cardPayment({
    customer_id: 'unit-1', amount, occurred_at: new Date(Date.UTC(2026, 2, 1, 10, minute)).toISOString(),
  }) as EventInput);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.event;
};

/** Assesses the events in order, threading the state, and answers each assessment. */
function run(events: VigilEvent[], ctx: RiskContext, start: CustomerRiskState = emptyRiskState()) {
  let state = start;
  return events.map((e) => {
    const assessment = assessEvent(state, e, ctx);
    state = assessment.state;
    return assessment;
  });
}

const payments = () => [event('2000.00', 0), event('6000.00', 10), event('50.00', 20), event('3000.00', 30)];

describe('a challenger in the assessment of an event', () => {
  it('leaves the champion\'s alerts, scores, suppression and features exactly as without it', () => {
    const events = payments();
    const alone = run(events, context());
    const beside = run(events, context({ challenger }));
    beside.forEach((assessment, i) => {
      const { challenger: _c, ...championState } = assessment.state;
      expect(championState).toEqual(alone[i]!.state);
      expect(assessment.alerts).toEqual(alone[i]!.alerts);
      expect(assessment.matches).toEqual(alone[i]!.matches);
    });
    // The champion (suppress_for 0s) alerts on each large payment.
    expect(alone.map((a) => a.alerts.length)).toEqual([1, 1, 0, 1]);
  });

  it('suppresses with its own windows: its 1 h rule records once, its 0 s rule every time', () => {
    const beside = run(payments(), context({ challenger }));
    expect(beside.map((a) => a.challenger!.alerts.map((alert) => alert.ruleIds))).toEqual([
      [['large']], [['huge']], [], [],
    ]);
    expect(beside[1]!.challenger!.matches.map((m) => m.ruleId)).toEqual(['large', 'huge']);
    expect(beside[3]!.state.challenger).toMatchObject({ version: 'chal', lastRaised: { large: Date.UTC(2026, 2, 1, 10, 0), huge: Date.UTC(2026, 2, 1, 10, 10) } });
    // Its score is its own noisy-OR (0.4 and 0.4 on the second payment), the champion's stays 0.4.
    expect(beside[1]!.challenger!.alerts[0]!.score).toBeCloseTo(1 - 0.6 * 0.6, 10);
    expect(beside[1]!.state.scores.fraud).toBeCloseTo(0.4, 10);
  });

  it('starts afresh when the challenger version changes, and drops its state once none runs', () => {
    const [first] = run([event('2000.00', 0)], context({ challenger }));
    const renamed = { ...challenger, version: 'chal-2' };
    const [next] = run([event('2000.00', 5)], context({ challenger: renamed }), first!.state);
    expect(next!.challenger!.alerts.map((a) => a.ruleIds)).toEqual([['large']]);
    expect(next!.state.challenger?.version).toBe('chal-2');
    const [none] = run([event('2000.00', 6)], context(), next!.state);
    expect(none!.challenger).toBeUndefined();
    expect(none!.state).not.toHaveProperty('challenger');
  });

  it('is not evaluated on scheduled reviews, which keep its state as it was', () => {
    const [first] = run([event('2000.00', 0)], context({ challenger }));
    const review = assessReview(first!.state, customerReview('unit-1', Date.UTC(2026, 2, 2, 10, 0)), context({ challenger }));
    expect(review.challenger).toBeUndefined();
    expect(review.state.challenger).toEqual(first!.state.challenger);
  });

  it('stores its state in the risk state only while it runs, so states without it keep their bytes', () => {
    const [alone] = run([event('2000.00', 0)], context());
    const [beside] = run([event('2000.00', 0)], context({ challenger }));
    expect(encodeRiskState(alone!.state)).not.toContain('"c"');
    expect(decodeRiskState(encodeRiskState(beside!.state)).challenger).toEqual(beside!.state.challenger);
    // The same bytes as without a challenger, and its part appended after them.
    expect(encodeRiskState(beside!.state).startsWith(`${encodeRiskState(alone!.state).slice(0, -1)},"c":`)).toBe(true);
    expect(decodeRiskState(encodeRiskState(alone!.state))).not.toHaveProperty('challenger');
  });

  it('records one row per alert type either set alerts on, with the champion\'s outcome beside the challenger\'s', () => {
    const [a, b, c] = run(payments(), context({ challenger }));
    const rows = (x: typeof a) => challengerAlertRows(payments()[0]!, { version: 'champ', alerts: x!.alerts }, x!.challenger!, 0);
    expect(rows(a)).toEqual([expect.objectContaining({ type: 'fraud', challenger_alerted: 1, champion_alerted: 1, rule_ids: ['large'], champion_rule_ids: ['large'], severity: 'high', challenger_version: 'chal', champion_version: 'champ' })]);
    expect(rows(b)).toEqual([expect.objectContaining({ challenger_alerted: 1, champion_alerted: 1, rule_ids: ['huge'] })]);
    expect(rows(c)).toEqual([]);
    const [, , , d] = run(payments(), context({ challenger }));
    expect(rows(d)).toEqual([expect.objectContaining({ challenger_alerted: 0, champion_alerted: 1, rule_ids: [], severity: '', score: 0, champion_rule_ids: ['large'] })]);
  });
});

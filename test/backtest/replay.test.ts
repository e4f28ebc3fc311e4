import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { HistoryReplay, replayContext, replayHistory } from '../../backtest/index.js';
import { assessEvent } from '../../risk/assess.js';
import { emptyRiskState, encodeRiskState } from '../../risk/riskState.js';
import { DAY, HOUR, MINUTE, T0, ev } from '../features/builders.js';

// The risk pipeline over a history in memory: the workers' own pure assessment, and the review
// schedule that looks at quiet customers, without Redis.

const context = replayContext(loadConfig({}, { allowGeneratedKeys: true }).risk);
const byTime = <T extends { occurred_at: string }>(events: T[]) => events.sort((a, b) => a.occurred_at.localeCompare(b.occurred_at));

describe('replayHistory', () => {
  it('raises what the workers raise, event by event, when no review falls due', () => {
    // Card testing: a burst of tiny online payments at new merchants within minutes.
    const events = byTime(Array.from({ length: 12 }, (_, i) => ev('card_payment', T0 + i * MINUTE, {
      customer_id: 'cust-tester', channel: 'ecommerce', amount: '1.00', merchant: { id: `m-${i}`, mcc: '5999', country: 'DE' },
    })));
    const outcome = replayHistory(events, context);

    let state = emptyRiskState();
    const expected = events.flatMap((event) => {
      const assessment = assessEvent(state, event, context);
      state = assessment.state;
      return assessment.alerts;
    });
    expect(expected.length).toBeGreaterThan(0);
    expect(outcome.alerts).toEqual(expected);
    expect(outcome.reviews).toBe(0);
    expect(outcome.events).toBe(12);
  });

  it('reviews a customer who has gone quiet as time passes on other customers’ events, and warns that their salary stopped', () => {
    const leaver = [0, 30, 60, 90].map((day) => ev('salary_credit', T0 + day * DAY + 8 * HOUR, { customer_id: 'cust-leaver' }));
    // Someone else keeps the bank's clock moving for another 60 days.
    const other = Array.from({ length: 150 }, (_, day) => ev('card_payment', T0 + day * DAY + 12 * HOUR, { customer_id: 'cust-other' }));
    const outcome = replayHistory(byTime([...leaver, ...other]), context);

    const stopped = outcome.alerts.filter((alert) => alert.customerId === 'cust-leaver' && alert.ruleIds.includes('salary-stopped'));
    expect(stopped).toHaveLength(1);
    const [alert] = stopped;
    // Raised by a review, not an event: the leaver sent nothing after day 90.
    expect(alert!.triggeringEvents[0]!.type).toBe('customer_review');
    const raisedAt = Date.parse(alert!.triggeringEvents[0]!.occurredAt);
    // Stopped means more than 40 whole days without it (day 131); quiet for over 30 days, the
    // leaver is looked at weekly by then, so the first review past it is on day 134.
    expect(raisedAt).toBeGreaterThan(T0 + 131 * DAY);
    expect(raisedAt).toBeLessThanOrEqual(T0 + 138 * DAY);
    expect(outcome.reviews).toBeGreaterThan(40);
  });

  it('does not review a customer past the history it is given', () => {
    const only = [ev('card_payment', T0, { customer_id: 'cust-alone' })];
    expect(replayHistory(only, context).reviews).toBe(0);
  });
});

describe('HistoryReplay', () => {
  const history = () => byTime([
    ...Array.from({ length: 12 }, (_, i) => ev('card_payment', T0 + i * MINUTE, {
      customer_id: 'cust-paged', channel: 'ecommerce', amount: '1.00', merchant: { id: `m-${i}`, mcc: '5999', country: 'DE' },
    })),
    ...Array.from({ length: 40 }, (_, day) => ev('card_payment', T0 + day * DAY + 12 * HOUR, { customer_id: 'cust-steady' })),
  ]);

  it('fed page by page, raises exactly what a whole-history replay raises', () => {
    const events = history();
    const whole = replayHistory(events, context);
    const replay = new HistoryReplay(context);
    const paged = [];
    for (let i = 0; i < events.length; i += 5) {
      for (const event of events.slice(i, i + 5)) paged.push(...replay.push(event).flatMap((step) => step.alerts));
    }
    expect(whole.alerts.length).toBeGreaterThan(0);
    expect(paged).toEqual(whole.alerts);
    expect(replay.events).toBe(whole.events);
    expect(replay.reviews).toBe(whole.reviews);
  });

  it('reports each review as a step of its own before the event it fell due before', () => {
    const replay = new HistoryReplay(context);
    replay.push(ev('card_payment', T0, { customer_id: 'cust-a' }));
    const steps = replay.push(ev('card_payment', T0 + 3 * DAY, { customer_id: 'cust-b' }));
    // cust-a is looked at daily while quiet: on days 1, 2 and 3 (due at the payment's very moment).
    expect(steps.map((step) => step.event.type)).toEqual(['customer_review', 'customer_review', 'customer_review', 'card_payment']);
    expect(steps.slice(0, 3).map((step) => step.event.customer_id)).toEqual(['cust-a', 'cust-a', 'cust-a']);
  });

  it('replays a candidate rule set beside the published one, each raising and keeping what it would alone', () => {
    const leaver = [0, 30, 60, 90].map((day) => ev('salary_credit', T0 + day * DAY + 8 * HOUR, { customer_id: 'cust-leaver' }));
    const events = byTime([...history(), ...leaver]);
    // The candidate drops card testing and lowers every weight: other alerts, other scores.
    const candidate = {
      ...context.ruleSet, version: 'candidate',
      rules: context.ruleSet.rules.filter((rule) => rule.id !== 'card-testing').map((rule) => ({ ...rule, weight: rule.weight / 2 })),
    };
    const alone = (ruleSet: typeof candidate) => {
      const replay = new HistoryReplay({ ...context, ruleSet });
      const alerts = events.flatMap((event) => replay.push(event).flatMap((step) => step.alerts));
      return { alerts: [...alerts, ...replay.finish(T0 + 150 * DAY).flatMap((step) => step.alerts)], states: replay.states, reviews: replay.reviews };
    };
    const published = alone(context.ruleSet);
    const candidateAlone = alone(candidate);

    const both = new HistoryReplay(context, { alsoRuleSets: [candidate] });
    const alerts: [unknown[], unknown[]] = [[], []];
    const take = (steps: { alerts: unknown[] }[][]) => steps.forEach((set, i) => alerts[i as 0 | 1].push(...set.flatMap((step) => step.alerts)));
    for (const event of events) take(both.pushForSets(event));
    take(both.finishForSets(T0 + 150 * DAY));

    expect(published.alerts).not.toEqual(candidateAlone.alerts);
    expect(alerts[0]).toEqual(published.alerts);
    expect(alerts[1]).toEqual(candidateAlone.alerts);
    expect(both.reviews).toBe(published.reviews);
    const encoded = (states: ReadonlyMap<string, Parameters<typeof encodeRiskState>[0]>) => [...states].map(([customer, state]) => [customer, encodeRiskState(state)]);
    expect(encoded(both.statesOf(0))).toEqual(encoded(published.states));
    expect(encoded(both.statesOf(1))).toEqual(encoded(candidateAlone.states));
  });

  it('finish(until) takes the reviews due after the last event up to the end of the history', () => {
    const leaver = [0, 30, 60, 90].map((day) => ev('salary_credit', T0 + day * DAY + 8 * HOUR, { customer_id: 'cust-leaver' }));
    const replay = new HistoryReplay(context);
    for (const event of leaver) replay.push(event);
    expect(replay.reviews).toBeGreaterThan(0);
    const before = replay.reviews;
    const tail = replay.finish(T0 + 150 * DAY);
    expect(replay.reviews).toBeGreaterThan(before);
    expect(tail.every((step) => step.event.type === 'customer_review' && Date.parse(step.event.occurred_at) <= T0 + 150 * DAY)).toBe(true);
    expect(tail.flatMap((step) => step.alerts).filter((alert) => alert.ruleIds.includes('salary-stopped'))).toHaveLength(1);
  });
});

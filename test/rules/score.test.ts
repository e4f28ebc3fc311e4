import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decayScore, DEFAULT_SCORING_CONFIG, noisyOr, scoreCustomer, scoringConfigSchema, type RuleMatch } from '../../rules/index.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function match(alertType: RuleMatch['alertType'], weight: number, mode: RuleMatch['mode'] = 'active'): RuleMatch {
  return {
    ruleId: `r-${alertType}-${weight}`, ruleName: 'r', alertType, severity: 'medium', weight, mode,
    suppressFor: '1h', suppressForMs: HOUR, reason: 'r', reasons: [],
  };
}

const weight = fc.double({ min: 0, max: 1, noNaN: true });
const weights = fc.array(weight, { maxLength: 8 });

describe('noisyOr', () => {
  it.each<[number[], number]>([
    [[], 0],
    [[0.6], 0.6],
    [[0.5, 0.5], 0.75],
    [[0.6, 0.8], 0.92],
    [[1, 0.1], 1],
  ])('combines %j into %f', (ws, expected) => {
    expect(noisyOr(ws)).toBeCloseTo(expected, 10);
  });

  it('stays within [0, 1]', () => {
    fc.assert(fc.property(weights, (ws) => {
      const score = noisyOr(ws);
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
    }));
  });

  it('is at least the largest weight and does not depend on order', () => {
    fc.assert(fc.property(weights, (ws) => {
      expect(noisyOr(ws)).toBeGreaterThanOrEqual(Math.max(0, ...ws) - 1e-12);
      expect(noisyOr([...ws].reverse())).toBeCloseTo(noisyOr(ws), 12);
    }));
  });

  it('never falls when a rule is added or a weight raised', () => {
    fc.assert(fc.property(weights, weight, weight, (ws, w, extra) => {
      expect(noisyOr([...ws, w])).toBeGreaterThanOrEqual(noisyOr(ws) - 1e-12);
      const raised = Math.min(1, w + extra);
      expect(noisyOr([...ws, raised])).toBeGreaterThanOrEqual(noisyOr([...ws, w]) - 1e-12);
    }));
  });
});

describe('decayScore', () => {
  it('halves a score every half-life', () => {
    expect(decayScore(0.8, 6 * HOUR, 6 * HOUR)).toBeCloseTo(0.4, 12);
    expect(decayScore(0.8, 12 * HOUR, 6 * HOUR)).toBeCloseTo(0.2, 12);
    expect(decayScore(0.8, 0, 6 * HOUR)).toBe(0.8);
  });

  it('never grows, also when events arrive out of order', () => {
    fc.assert(fc.property(weight, fc.integer({ min: -30 * DAY, max: 30 * DAY }), fc.integer({ min: 1, max: 30 * DAY }), (score, elapsed, halfLife) => {
      const decayed = decayScore(score, elapsed, halfLife);
      expect(decayed).toBeLessThanOrEqual(score);
      expect(decayed).toBeGreaterThanOrEqual(0);
    }));
  });

  it('fades more the longer it waits', () => {
    fc.assert(fc.property(weight, fc.nat(30 * DAY), fc.nat(30 * DAY), (score, a, b) => {
      const [sooner, later] = a <= b ? [a, b] : [b, a];
      expect(decayScore(score, later, 6 * HOUR)).toBeLessThanOrEqual(decayScore(score, sooner, 6 * HOUR));
    }));
  });
});

describe('scoreCustomer', () => {
  it('combines fired rules per alert type with a noisy-OR', () => {
    const scores = scoreCustomer([match('fraud', 0.6), match('fraud', 0.5), match('churn', 0.4), match('complaint_sla', 1)], undefined, 0);
    expect(scores.fraud).toBeCloseTo(0.8, 12);
    expect(scores.churn).toBeCloseTo(0.4, 12);
  });

  it('ignores shadow matches', () => {
    expect(scoreCustomer([match('fraud', 0.9, 'shadow')], undefined, 0)).toEqual({ fraud: 0, churn: 0, credit: 0 });
  });

  it('carries the previous score, faded by the configured half-lives', () => {
    const previous = { fraud: 0.8, churn: 0.6, credit: 0, atMs: 0 };
    const later = scoreCustomer([], previous, 6 * HOUR);
    expect(later.fraud).toBeCloseTo(0.4, 12);
    expect(later.churn).toBeCloseTo(0.6 * 0.5 ** (6 / (14 * 24)), 12);
    expect(scoreCustomer([], previous, 14 * DAY).churn).toBeCloseTo(0.3, 12);
  });

  it('keeps the larger of the faded score and the new evidence, so a standing signal does not ratchet up', () => {
    let previous = { fraud: 0, churn: 0, credit: 0, atMs: 0 };
    for (let i = 1; i <= 50; i++) {
      previous = { ...scoreCustomer([match('churn', 0.6)], previous, i * HOUR), atMs: i * HOUR };
    }
    expect(previous.churn).toBeCloseTo(0.6, 12);
  });

  it('stays within [0, 1] and never below the current evidence', () => {
    const arbitraryMatch = fc.record({ type: fc.constantFrom('fraud', 'churn', 'credit') as fc.Arbitrary<'fraud' | 'churn' | 'credit'>, w: weight, shadow: fc.boolean() });
    fc.assert(fc.property(fc.array(arbitraryMatch, { maxLength: 6 }), weight, weight, fc.nat(60 * DAY), (ms, pf, pc, elapsed) => {
      const matches = ms.map((m) => match(m.type, m.w, m.shadow ? 'shadow' : 'active'));
      const scores = scoreCustomer(matches, { fraud: pf, churn: pc, credit: pc, atMs: 0 }, elapsed);
      for (const type of ['fraud', 'churn', 'credit'] as const) {
        expect(scores[type]).toBeGreaterThanOrEqual(0);
        expect(scores[type]).toBeLessThanOrEqual(1);
        const current = noisyOr(matches.filter((m) => m.mode === 'active' && m.alertType === type).map((m) => m.weight));
        expect(scores[type]).toBeGreaterThanOrEqual(current);
      }
    }));
  });

  it('is monotone in the weights of fired rules', () => {
    fc.assert(fc.property(weights, weight, (ws, bump) => {
      const base = ws.map((w) => match('fraud', w));
      const raised = ws.map((w) => match('fraud', Math.min(1, w + bump)));
      expect(scoreCustomer(raised, undefined, 0).fraud).toBeGreaterThanOrEqual(scoreCustomer(base, undefined, 0).fraud - 1e-12);
    }));
  });

  it('reads half-lives from configuration, with defaults of 6 h for fraud, 14 d for churn and 30 d for credit', () => {
    expect(DEFAULT_SCORING_CONFIG).toEqual({ half_life: { fraud: 6 * HOUR, churn: 14 * DAY, credit: 30 * DAY } });
    const cfg = scoringConfigSchema.parse({ half_life: { fraud: '1h' } });
    expect(cfg.half_life).toEqual({ fraud: HOUR, churn: 14 * DAY, credit: 30 * DAY });
    expect(scoreCustomer([], { fraud: 0.8, churn: 0, credit: 0, atMs: 0 }, HOUR, cfg).fraud).toBeCloseTo(0.4, 12);
    expect(scoringConfigSchema.safeParse({ half_life: { fraud: 'six hours' } }).success).toBe(false);
  });
});

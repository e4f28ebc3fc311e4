import { describe, expect, it } from 'vitest';
import { KNOWN_FEATURES, MAX_CONDITION_DEPTH, parseRuleSet, ruleSetSchema, validateRuleSet, type RuleInput } from '../../rules/index.js';

const validRule: RuleInput = {
  id: 'velocity', name: 'Velocity', description: 'burst', alert_type: 'fraud', severity: 'medium',
  weight: 0.4, mode: 'active', suppress_for: '2h',
  condition: { field: 'features.txn_count_1h', op: 'gte', value: 15 },
};

/** Errors for a JSON rule set holding the valid rule with `changes` applied. */
function errorsFor(changes: Record<string, unknown>, extraRules: unknown[] = []): string[] {
  const text = JSON.stringify({ version: '1', rules: [{ ...validRule, ...changes }, ...extraRules] });
  const result = parseRuleSet(text, 'json', KNOWN_FEATURES);
  return result.ok ? [] : result.errors;
}

describe('parseRuleSet', () => {
  it('accepts a valid rule set in JSON and YAML alike', () => {
    const json = parseRuleSet(JSON.stringify({ version: '1', rules: [validRule] }), 'json', KNOWN_FEATURES);
    const yaml = parseRuleSet(`
version: "1"
rules:
  - id: velocity
    name: Velocity
    description: burst
    alert_type: fraud
    severity: medium
    weight: 0.4
    mode: active
    suppress_for: 2h
    condition: { field: features.txn_count_1h, op: gte, value: 15 }
`, 'yaml', KNOWN_FEATURES);
    expect(json).toEqual(yaml);
    expect(json.ok).toBe(true);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown rule key', { colour: 'red' }, 'rules.0 (velocity): unknown field(s) colour'],
    ['an unknown condition key', { condition: { field: 'features.txn_count_1h', op: 'gte', valu: 15 } }, 'rules.0 (velocity).condition: unknown field(s) valu'],
    ['a bad duration', { suppress_for: '24 hours' }, 'rules.0 (velocity).suppress_for: a duration such as "30m", "24h", "7d" or "1h30m"'],
    ['a duration without unit', { suppress_for: '24' }, 'rules.0 (velocity).suppress_for: a duration'],
    ['a non-slug id', { id: 'Card_Testing' }, 'rules.0 (Card_Testing).id: a slug'],
    ['an unknown alert type', { alert_type: 'aml' }, 'rules.0 (velocity).alert_type: Invalid option'],
    ['a weight above 1', { weight: 1.5 }, 'rules.0 (velocity).weight: Too big'],
    ['an unknown mode', { mode: 'test' }, 'rules.0 (velocity).mode: Invalid option'],
    ['an unknown event type', { when: { event_types: ['card_paymnet'] } }, 'rules.0 (velocity).when.event_types.0: Invalid option'],
    ['an unknown op', { condition: { field: 'features.txn_count_1h', op: 'greater', value: 1 } }, 'rules.0 (velocity).condition.op: Invalid option'],
    ['a text threshold for gt', { condition: { field: 'features.txn_count_1h', op: 'gt', value: '15' } }, 'op "gt" compares numbers; value must be a number, got "15"'],
    ['between with low > high', { condition: { field: 'features.txn_count_1h', op: 'between', value: [9, 3] } }, 'op "between" needs [low, high] numbers with low ≤ high'],
    ['in without a list', { condition: { field: 'event.channel', op: 'in', value: 'web' } }, 'op "in" needs a non-empty list'],
    ['eq with a list', { condition: { field: 'event.channel', op: 'eq', value: ['web'] } }, 'op "eq" needs a single value'],
    ['exists with a value', { condition: { field: 'event.geo', op: 'exists', value: true } }, 'exists takes no value'],
    ['a comparison without op', { condition: { field: 'features.txn_count_1h', value: 1 } }, 'a comparison needs an op'],
    ['two kinds in one node', { condition: { all: [validRule.condition], field: 'features.txn_count_1h', op: 'gt', value: 1 } }, 'needs exactly one of all, any, not or field (found: all, field)'],
    ['an empty all', { condition: { all: [] } }, 'rules.0 (velocity).condition.all: Too small'],
    ['an unknown root', { condition: { field: 'customer.age', op: 'gt', value: 1 } }, 'is not a field: use features.<name>, model.<name>, event.<path>, tags, tier or profile.<name>'],
    ['a misspelt event field', { condition: { field: 'event.merchant.mmc', op: 'eq', value: '7995' } }, '"event.merchant.mmc" is not an event field (did you mean "event.merchant.mcc"?)'],
    ['an unknown profile field', { condition: { field: 'profile.income', op: 'gt', value: 1 } }, '"profile.income" is not a profile field'],
    ['an unknown tier', { condition: { field: 'tier', op: 'eq', value: 'gold' } }, 'unknown tier ["gold"]'],
    ['an unknown feature', { condition: { any: [{ field: 'features.txn_cnt_1h', op: 'gt', value: 1 }] } },
      'rules.0 (velocity).condition.any.0.field: unknown feature "txn_cnt_1h" (did you mean "txn_count_1h"?)'],
    ['an unknown feature in the reason', { reason: '{features.txn_count_1hh} transactions' }, 'rules.0 (velocity).reason: {features.txn_count_1hh}: unknown feature'],
    ['a threshold of a field not compared', { reason: '{threshold:features.amount_zscore}' }, 'the condition compares no "features.amount_zscore"'],
    ['an unknown event field in the reason', { reason: 'on {event.amont}' }, '"event.amont" is not an event field'],
  ])('rejects %s with a message naming where', (_, changes, message) => {
    const errors = errorsFor(changes);
    expect(errors.join('\n')).toContain(message);
  });

  it('rejects duplicate rule ids', () => {
    expect(errorsFor({}, [validRule])).toEqual(['rules.1 (velocity).id: duplicate rule id "velocity"']);
  });

  it('rejects a version given as a YAML number, which would lose trailing zeros', () => {
    const result = parseRuleSet('version: 2026.10\nrules: []\n', 'yaml', KNOWN_FEATURES);
    expect(result).toEqual({ ok: false, errors: [expect.stringContaining('version')] });
  });

  it('reports every problem at once', () => {
    expect(errorsFor({ weight: 3, severity: 'urgent', suppress_for: 'soon' })).toHaveLength(3);
  });

  it.each<[string, 'yaml' | 'json', string]>([
    ['broken YAML', 'yaml', 'rules: [\n'],
    ['a duplicate YAML key', 'yaml', 'version: "1"\nversion: "2"\nrules: []\n'],
    ['broken JSON', 'json', '{"version": "1",'],
  ])('reports %s as a syntax error', (_, format, text) => {
    const result = parseRuleSet(text, format, KNOWN_FEATURES);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatch(new RegExp(`^${format.toUpperCase()} syntax: `));
  });

  it('validateRuleSet checks features against the catalogue it is given', () => {
    const ruleSet = ruleSetSchema.parse({ version: '1', rules: [validRule] });
    expect(validateRuleSet(ruleSet, KNOWN_FEATURES)).toEqual([]);
    expect(validateRuleSet(ruleSet, ['txn_count_24h'])).toEqual([
      'rules.0 (velocity).condition.field: unknown feature "txn_count_1h" (did you mean "txn_count_24h"?)',
    ]);
  });
});

describe('missing keys', () => {
  it('are reported as required', () => {
    const { name: _name, ...withoutName } = validRule;
    const result = parseRuleSet(JSON.stringify({ version: '1', rules: [withoutName] }), 'json', KNOWN_FEATURES);
    expect(result).toEqual({ ok: false, errors: ['rules.0 (velocity).name: required (string)'] });
  });
});

/** A condition of `levels` nested `not`s (levels of all / any / not) around one comparison. */
function nested(levels: number): unknown {
  let condition: unknown = { field: 'features.txn_count_1h', op: 'gte', value: 15 };
  for (let i = 0; i < levels; i++) condition = i % 2 === 0 ? { not: condition } : { all: [condition] };
  return condition;
}

describe('hostile documents get a clear error, never an exception', () => {
  it(`accepts conditions nested ${MAX_CONDITION_DEPTH} levels deep and refuses one level more, saying why`, () => {
    expect(errorsFor({ condition: nested(MAX_CONDITION_DEPTH) })).toEqual([]);
    expect(errorsFor({ condition: nested(MAX_CONDITION_DEPTH + 1) })).toEqual([
      `rules.0 (velocity).condition: conditions nest at most ${MAX_CONDITION_DEPTH} levels of all / any / not; this one nests deeper: flatten it or split it into several rules`,
    ]);
  });

  it('refuses a condition 885 levels deep (it overflowed the stack) with the same message', () => {
    expect(errorsFor({ condition: nested(885) }).join('\n')).toMatch(/conditions nest at most 32 levels/);
  });

  it('refuses a "billion laughs" YAML document by its alias count', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [prev, name] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f'], ['f', 'g'], ['g', 'h'], ['h', 'i']]) {
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const result = parseRuleSet(`${levels.join('\n')}\nversion: "1"\nrules: []\n`, 'yaml', KNOWN_FEATURES);
    expect(result).toEqual({ ok: false, errors: ['YAML aliases: more than 100 alias expansions (*name); write the values out instead of nesting aliases'] });
  });

  it('refuses YAML nested too deeply to read, and an alias used before its anchor', () => {
    const deep = parseRuleSet(`version: "1"\nrules: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`, 'yaml', KNOWN_FEATURES);
    expect(deep.ok ? [] : deep.errors.join('\n')).toMatch(/YAML/);
    const unresolved = parseRuleSet('version: "1"\nrules: *nothing\n', 'yaml', KNOWN_FEATURES);
    expect(unresolved.ok ? [] : unresolved.errors.join('\n')).toMatch(/YAML/);
  });
});

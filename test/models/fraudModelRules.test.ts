import { readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CLEARLY_GENUINE_BELOW, CORROBORATED_RULES, fraudModelPackFile, withFraudModel, type AuthoredPack } from '../../models/index.js';
import { DEFAULT_RULE_PACK_URL, KNOWN_FEATURES, parseRuleSet } from '../../rules/index.js';

const defaultPack = parse(readFileSync(fileURLToPath(DEFAULT_RULE_PACK_URL), 'utf8')) as AuthoredPack;

describe('the fraud model\'s rules added to a pack', () => {
  it('keep every rule of the pack, add the rule on the score and make unusual-amount wait for the model\'s second opinion', () => {
    const pack = withFraudModel(defaultPack);
    expect(pack.version).toBe(`${defaultPack.version}+fraud-model`);
    expect(pack.rules.map((rule) => rule.id)).toEqual([...defaultPack.rules.map((rule) => rule.id), 'fraud-model']);
    const original = defaultPack.rules.find((rule) => rule.id === 'unusual-amount')!;
    const corroborated = pack.rules.find((rule) => rule.id === 'unusual-amount')!;
    expect(corroborated.condition).toEqual({ all: [original.condition, { field: 'model.fraud', op: 'gte', value: CLEARLY_GENUINE_BELOW }] });
    expect(corroborated.severity).toBe(original.severity);
    for (const rule of pack.rules.filter((r) => !CORROBORATED_RULES.includes(String(r.id)) && r.id !== 'fraud-model')) {
      expect(rule).toEqual(defaultPack.rules.find((r) => r.id === rule.id));
    }
  });

  it('publish where a model named fraud is live, and are refused where none is', () => {
    const file = fraudModelPackFile();
    // vitest ends its forked workers without an exit event, so the file's own clean-up never runs here.
    onTestFinished(() => rmSync(dirname(file), { recursive: true, force: true }));
    const text = readFileSync(file, 'utf8');
    const withModel = parseRuleSet(text, 'yaml', KNOWN_FEATURES, ['fraud']);
    expect(withModel.ok, withModel.ok ? '' : withModel.errors.join('; ')).toBe(true);
    const without = parseRuleSet(text, 'yaml', KNOWN_FEATURES, []);
    expect(without.ok).toBe(false);
    if (!without.ok) expect(without.errors.join('; ')).toMatch(/model\.fraud/);
  });

  it('leave a pack without unusual-amount as it is, apart from the rule on the score', () => {
    const small: AuthoredPack = { version: 'mine', rules: [{ id: 'card-testing', condition: { field: 'features.txn_count_1h', op: 'gte', value: 5 } }] };
    expect(withFraudModel(small).rules).toEqual([small.rules[0], expect.objectContaining({ id: 'fraud-model' })]);
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { EXAMPLE_MODEL_URL } from '../models/index.js';
import { DEFAULT_RULE_PACK_URL } from '../rules/index.js';

// The demo scores every payment with the example fraud model (models/fraud-example.onnx) and runs
// the default pack plus one rule on its score, so the model's path (load, score in the worker,
// rule) runs in the demo; its scores show on the dashboard (vigil_model_score). The rule leaves
// customers of less than a week alone: without that it raised about 870 alerts a minute on the
// live feed, whose customers are all new, and those false fraud reviews held back offers. The pack is written to a temporary rules file,
// which the engine publishes at start like any VIGIL_RULES_FILE.

const MODEL_RULE = {
  id: 'fraud-model',
  name: 'Fraud model score',
  description: 'The example fraud model (models/fraud-example.onnx, trained by npm run train on a simulated bank) gives this payment a '
    + 'probability of fraud of 0.9 or more. The alert names the three features that raised the score most. Customers of less than a '
    + 'week are left alone, as by the takeover rules: every merchant and payee of a new customer is new, and the model reads that as risk.',
  alert_type: 'fraud',
  severity: 'medium',
  weight: 0.5,
  mode: 'active',
  suppress_for: '24h',
  condition: {
    all: [
      { field: 'model.fraud', op: 'gte', value: 0.9 },
      { field: 'features.customer_age_days', op: 'gte', value: 7 },
    ],
  },
};

/** The settings that load the example model and a rules file holding the default pack plus the model rule. */
export function demoModelSettings(): { VIGIL_MODEL_FILES: string; VIGIL_RULES_FILE: string } {
  const pack = parse(readFileSync(fileURLToPath(DEFAULT_RULE_PACK_URL), 'utf8')) as { version: string; rules: unknown[] };
  const withModel = { version: `${pack.version}+model`, rules: [...pack.rules, MODEL_RULE] };
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-demo-rules-')), 'rules.yaml');
  writeFileSync(file, stringify(withModel));
  return { VIGIL_MODEL_FILES: fileURLToPath(EXAMPLE_MODEL_URL), VIGIL_RULES_FILE: file };
}

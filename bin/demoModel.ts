import { fileURLToPath } from 'node:url';
import { EXAMPLE_MODEL_URL, fraudModelPackFile } from '../models/index.js';

// The demo scores every payment with the example fraud model (models/fraud-example.onnx) and runs
// the default pack with the model's rules (models/fraudModelRules.ts: a rule on the score, and
// the model as a second opinion on unusual-amount), so the model's path (load, score in the
// worker, rule) runs in the demo; its scores show on the dashboard (vigil_model_score). The pack
// is written to a temporary rules file, which the engine publishes at start like any VIGIL_RULES_FILE.

/** The settings that load the example model and a rules file holding the default pack with the model's rules. */
export function demoModelSettings(): { VIGIL_MODEL_FILES: string; VIGIL_RULES_FILE: string } {
  return { VIGIL_MODEL_FILES: fileURLToPath(EXAMPLE_MODEL_URL), VIGIL_RULES_FILE: fraudModelPackFile() };
}

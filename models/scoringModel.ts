import type { RiskEvent } from '../core/events/index.js';
import type { FeatureVector } from '../features/index.js';
import type { FeatureContribution, ModelOutput } from '../rules/index.js';
import type { ModelMetadata } from './onnxFile.js';
import type { TreeEnsemble } from './treeEnsemble.js';

/** How many features an explanation names: enough to say why, few enough to read at a glance. */
export const TOP_FEATURES = 3;
/** How closely the runtime must reproduce the trainer's own margins and contributions (float32 sums). */
const CHECK_TOLERANCE = 1e-4;

/**
 * A loaded model, pure from here on: the inputs it reads from the feature vector, the events it
 * scores, and its probability for one event. Rules see it as `model.<name>`.
 */
export class ScoringModel {
  private readonly eventTypes: ReadonlySet<string>;

  /**
   * `versionId` is the SHA-256 of the file's bytes in hex: what the model registry calls the
   * version, and what alerts and metrics name, since two files may declare the same `vigil.version`.
   */
  constructor(readonly metadata: ModelMetadata, private readonly ensemble: TreeEnsemble, readonly versionId: string) {
    this.eventTypes = new Set(metadata.eventTypes);
  }

  get name(): string {
    return this.metadata.name;
  }

  get version(): string {
    return this.metadata.version;
  }

  get features(): readonly string[] {
    return this.metadata.features;
  }

  /** Whether the model was trained on this type of event; others are not scored (their `model.<name>` is absent). */
  scores(event: RiskEvent): boolean {
    return this.eventTypes.has(event.type);
  }

  /** The model's inputs from a feature vector: flags as 1/0, an absent feature as NaN (the trainer's missing value). */
  inputs(vector: FeatureVector): Float32Array {
    const x = new Float32Array(this.metadata.features.length);
    this.metadata.features.forEach((name, i) => {
      x[i] = inputValue(vector[name]);
    });
    return x;
  }

  /** The summed tree output in log-odds, as the ONNX graph's `margin` output. */
  margin(x: Float32Array): number {
    return this.ensemble.margin(x);
  }

  /** The graph's `probability` output: the sigmoid of the margin. */
  probability(x: Float32Array): number {
    return 1 / (1 + Math.exp(-this.ensemble.margin(x)));
  }

  /** The features that raised this row's margin most (positive contributions only), largest first. */
  topFeatures(x: Float32Array, count = TOP_FEATURES): FeatureContribution[] {
    const { byFeature } = this.ensemble.contributions(x);
    return [...byFeature]
      .map((contribution, i) => ({ feature: this.metadata.features[i]!, value: x[i]!, contribution }))
      .filter((c) => c.contribution > 0)
      .sort((a, b) => b.contribution - a.contribution)
      .slice(0, count);
  }

  /** The output rules see for one event; the explanation is worked out only if a rule asks for it. */
  output(vector: FeatureVector): ModelOutput {
    const x = this.inputs(vector);
    let top: FeatureContribution[] | undefined;
    // Explanations show the feature as computed, not its float32 rounding (the model's input).
    const explain = () => this.topFeatures(x).map((c) => ({ ...c, value: inputValue(vector[c.feature]) }));
    return { score: this.probability(x), version: this.versionId, topFeatures: () => (top ??= explain()) };
  }

  /**
   * Whether this runtime reads the file as its trainer meant it: the trainer's margins and
   * contributions for the rows it stored in the file, reproduced. A problem in words, or undefined.
   */
  checkAgainstTrainer(): string | undefined {
    for (const [i, row] of this.metadata.checkRows.entries()) {
      if (row.x.length !== this.features.length) return `check row ${i} has ${row.x.length} inputs for ${this.features.length} features`;
      const x = Float32Array.from(row.x);
      const margin = this.ensemble.margin(x);
      if (!(Math.abs(margin - row.margin) <= CHECK_TOLERANCE)) return `check row ${i}: margin ${margin}, the trainer's ${row.margin}`;
      const { byFeature, bias } = this.ensemble.contributions(x);
      if (!(Math.abs(bias - row.bias) <= CHECK_TOLERANCE)) return `check row ${i}: bias ${bias}, the trainer's ${row.bias}`;
      const worst = row.contributions.findIndex((c, f) => !(Math.abs(c - byFeature[f]!) <= CHECK_TOLERANCE));
      if (worst >= 0) return `check row ${i}: contribution of ${this.features[worst]} ${byFeature[worst]}, the trainer's ${row.contributions[worst]}`;
    }
    return undefined;
  }
}

function inputValue(value: number | boolean | undefined): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return typeof value === 'number' ? value : Number.NaN;
}

/** What every loaded model says about one event, by name, for the rules; undefined when none scores it. */
export function scoreEvent(models: readonly ScoringModel[], event: RiskEvent, vector: FeatureVector): Record<string, ModelOutput> | undefined {
  let outputs: Record<string, ModelOutput> | undefined;
  for (const model of models) {
    if (!model.scores(event)) continue;
    (outputs ??= {})[model.name] = model.output(vector);
  }
  return outputs;
}

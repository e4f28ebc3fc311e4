// Labelled scenarios for evaluating Vigil: fraud typologies, churn patterns and genuine noise
// injected into the simulated bank, with the ground truth kept beside the stream. Pure and seeded.
export { buildLabelledStream, byOccurrence, warmupDays, type LabelledStream, type LabelledStreamOptions } from './labelledStream.js';
export { CHURN_INJECTORS, CREDIT_INJECTORS, FRAUD_INJECTORS, LATER_NOISE_INJECTORS, NOISE_INJECTORS, planEpisodes, type Injector, type PlanOptions } from './plan.js';
export { EpisodeWriter, type Episode, type EpisodeContext, type FirstBad, type PendingLabel } from './episode.js';
export {
  CHURN_NOISE_KINDS, CHURN_PATTERNS, CREDIT_NOISE_KINDS, CREDIT_PATTERNS, DISPOSITION_TYPOLOGIES, FRAUD_TYPOLOGIES, LABEL_SOURCES, LATER_CREDIT_NOISE_KINDS, LATER_NOISE_KINDS, NOISE_KINDS, isFraudTypology, kindOfTypology, labelFileSchema, labelSchema,
  noiseRecordSchema, streamMetaSchema,
  type ChurnNoiseKind, type ChurnPattern, type CreditNoiseKind, type CreditPattern, type DispositionTypology, type FraudTypology, type LabelSource, type Label, type LaterCreditNoiseKind, type LaterNoiseKind, type LabelFile, type NoiseKind, type NoiseRecord,
  type StreamMeta,
} from './labels.js';

// The per-customer rolling behaviour features, in event time: pure functions over a small JSON
// state the caller stores (decode → applyEvent per event → encode, per customer per batch).
// Window semantics: windows.ts. Feature names and meanings: catalogue.ts.
export { applyEvent, featuresAt, lastActivityMs, type AppliedEvent, type ApplyOptions, type Lateness } from './engine.js';
export { DEFAULT_FEATURE_CONFIG, featureConfigSchema, type FeatureConfig } from './config.js';
export { emptyFeatureState, type CustomerFeatureState } from './state.js';
export { decodeFeatureState, encodeFeatureState, tryDecodeFeatureState } from './codec.js';
export {
  FEATURE_CATALOGUE, FEATURE_NAMES, type FeatureDefinition, type FeatureKind, type FeatureVector,
} from './catalogue.js';
export { WINDOW_SECONDS } from './windows.js';

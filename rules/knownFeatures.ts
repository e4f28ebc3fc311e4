// The feature names rules may use: the features engine's catalogue, the one place they are defined.
// Rules are validated against this list at load, so a misspelt feature is an error instead of a
// condition that is silently never true.
import { FEATURE_NAMES } from '../features/catalogue.js';

export const KNOWN_FEATURES: readonly string[] = FEATURE_NAMES;

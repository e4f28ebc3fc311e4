import type { VigilEvent } from '../core/events/index.js';
import type { FeatureVector } from './catalogue.js';
import { featureVector, NO_CURRENT_EVENT } from './compute.js';
import { DEFAULT_FEATURE_CONFIG, latenessSeconds, type FeatureConfig } from './config.js';
import { featuresBeforeEvent, withSessionMarks } from './currentEvent.js';
import { eventFacts } from './eventFacts.js';
import { recordEvent } from './record.js';
import type { CustomerFeatureState } from './state.js';
import { msToSeconds } from './windows.js';

/**
 * 'on_time': at or after the newest event seen for the customer. 'late': behind it by at most the
 * allowed lateness; it lands in its right windows. 'too_late': further behind; still recorded where
 * history is kept (long windows, lifetime counters, seen sets), but its own features only see what
 * history is left at its time, so the caller should count it and may skip rules on it.
 */
export type Lateness = 'on_time' | 'late' | 'too_late';

export interface AppliedEvent {
  state: CustomerFeatureState;
  /** Features as seen by this event: at its occurred_at, after including it. */
  features: FeatureVector;
  late: Lateness;
}

/**
 * Applies one event. Window features include the event; first-seen flags, z-score, "since the
 * previous …" and geo features compare it with the history before it (in event time). Pure: the
 * input state is not changed, unless the caller gives it up (`options.consume`).
 */
export function applyEvent(
  state: CustomerFeatureState,
  event: VigilEvent,
  cfg: FeatureConfig = DEFAULT_FEATURE_CONFIG,
  options: ApplyOptions = {},
): AppliedEvent {
  const facts = eventFacts(event, cfg);
  const late = lateness(state, facts.t, cfg);
  // Everything read of the state before the event is read before it may change in place.
  const before = featuresBeforeEvent(state, facts);
  const next = recordEvent(state, facts, cfg, options.consume === true);
  const current = withSessionMarks(before, next, facts);
  // `state`'s recent log, read here for "since the previous …", is never changed in place.
  return { state: next, features: featureVector(next, facts.t, state, current), late };
}

export interface ApplyOptions {
  /**
   * The caller gives `state` up and keeps only the result (the in-memory replay, whose Map holds
   * the one reference): its buckets and seen sets are then changed in place rather than copied.
   * The result is the same; `state` must not be read again.
   */
  consume?: boolean;
}

/** Features as of a time (for the API), without an event: per-event flags are false, geo −1. */
export function featuresAt(state: CustomerFeatureState, atMs: number): FeatureVector {
  return featureVector(state, msToSeconds(atMs), state, NO_CURRENT_EVENT);
}

function lateness(state: CustomerFeatureState, t: number, cfg: FeatureConfig): Lateness {
  if (state.e === 0 || t >= state.n) return 'on_time';
  return t >= state.n - latenessSeconds(cfg) ? 'late' : 'too_late';
}

/** When the customer last did anything (the newest occurred_at seen), or undefined for no event yet. */
export function lastActivityMs(state: CustomerFeatureState): number | undefined {
  return state.e === 0 ? undefined : state.n * 1000;
}

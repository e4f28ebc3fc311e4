import type { ScoringModel } from './scoringModel.js';

// A model's versions as the registry keeps them, as pure transitions: per model name one live
// version (rules read it as model.<name>) and at most one shadow version (scored and counted
// beside it, never seen by rules). Every change is one history entry. No I/O here: the registry
// (models/registry.ts) reads the slots, asks this what the change makes of them, and writes the
// result only if nobody changed them meanwhile.

export const MODEL_CHANGE_ACTIONS = ['published', 'shadowed', 'promoted', 'retired', 'rolled_back'] as const;
export type ModelChangeAction = (typeof MODEL_CHANGE_ACTIONS)[number];

/** What the registry records of one version: its id (the file's SHA-256) and what the file declares. */
export interface ModelVersionFacts {
  version: string;
  /** `vigil.version` in the file's metadata: the trainer's label, for people; not unique. */
  declaredVersion: string;
  size: number;
  features: string[];
  eventTypes: string[];
}

export interface ModelSlots {
  live?: ModelVersionFacts;
  shadow?: ModelVersionFacts;
}

/** One change of one model, as the history shows it. */
export interface ModelHistoryEntry extends ModelVersionFacts {
  model: string;
  action: ModelChangeAction;
  /** `<role>:<name>` of the verified identity that made (or, under four-eyes, proposed) the change. */
  by: string;
  at: string;
  /** The version this change took out of its slot (the live version promoted over, rolled back from, retired). */
  replaced?: string;
  /** Four-eyes: the approval under which it was made and who approved it. */
  approval?: { id: string; approvedBy: string; approvedAt: string };
}

export type ModelChangeRequest =
  | { action: 'published'; facts: ModelVersionFacts }
  | { action: 'shadowed'; facts: ModelVersionFacts }
  /** `expected`: the shadow version the proposer saw; another one is not promoted unseen. */
  | { action: 'promoted'; expected?: string }
  /** `to`: a version from the model's history whose file is still kept. */
  | { action: 'rolled_back'; to: ModelVersionFacts }
  | { action: 'retired'; slot: 'live' | 'shadow' };

export type ModelChangePlan =
  | { ok: true; slots: ModelSlots; subject: ModelVersionFacts; replaced?: string }
  | { ok: false; message: string };

export function factsOf(model: ScoringModel, size: number): ModelVersionFacts {
  return { version: model.versionId, declaredVersion: model.version, size, features: [...model.features], eventTypes: [...model.metadata.eventTypes] };
}

/** What a change makes of a model's slots, or why it cannot be made (a conflict with their state). */
export function planModelChange(name: string, slots: ModelSlots, change: ModelChangeRequest): ModelChangePlan {
  const { live, shadow } = slots;
  switch (change.action) {
    case 'published':
      // Seeding from VIGIL_MODEL_FILES: only a model without a live version takes the file's.
      if (live) return { ok: false, message: `model ${name} already has a live version (${live.version})` };
      return { ok: true, slots: { live: change.facts, ...(shadow && shadow.version !== change.facts.version ? { shadow } : {}) }, subject: change.facts };
    case 'shadowed':
      if (live?.version === change.facts.version) return { ok: false, message: `version ${change.facts.version} is already the live version of model ${name}` };
      if (shadow?.version === change.facts.version) return { ok: false, message: `version ${change.facts.version} is already the shadow version of model ${name}` };
      return { ok: true, slots: { ...(live ? { live } : {}), shadow: change.facts }, subject: change.facts, ...(shadow ? { replaced: shadow.version } : {}) };
    case 'promoted':
      if (!shadow) return { ok: false, message: `model ${name} has no shadow version to promote; upload one with PUT /v1/models/${name}/versions` };
      if (change.expected !== undefined && shadow.version !== change.expected) {
        return { ok: false, message: `the shadow version of model ${name} is now ${shadow.version}, not ${change.expected} as proposed` };
      }
      return { ok: true, slots: { live: shadow }, subject: shadow, ...(live ? { replaced: live.version } : {}) };
    case 'rolled_back':
      if (live?.version === change.to.version) return { ok: false, message: `version ${change.to.version} is already the live version of model ${name}` };
      return {
        ok: true, slots: { live: change.to, ...(shadow && shadow.version !== change.to.version ? { shadow } : {}) }, subject: change.to,
        ...(live ? { replaced: live.version } : {}),
      };
    case 'retired': {
      const current = slots[change.slot];
      if (!current) return { ok: false, message: `model ${name} has no ${change.slot} version to retire` };
      const rest: ModelSlots = change.slot === 'live' ? (shadow ? { shadow } : {}) : (live ? { live } : {});
      return { ok: true, slots: rest, subject: current, replaced: current.version };
    }
  }
}

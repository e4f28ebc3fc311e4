// Model scores as features for rules (issue 9): a gradient-boosted tree model trained on the
// bank's own labels (npm run train), stored as ONNX, kept in the model registry (versions, shadow,
// history, four-eyes) and evaluated in-process.
export { ModelFileError, parseOnnxModel, type ModelMetadata, type OnnxTreeModel } from './onnxFile.js';
export { TreeEnsemble, type TreeSpec, type FeatureContributions } from './treeEnsemble.js';
export { ScoringModel, scoreEvent, TOP_FEATURES } from './scoringModel.js';
export { shadowOutcomes, shadowModelProblem, type ShadowOutcome } from './shadow.js';
export { checkedModel, loadModelFile, loadModelFiles, readModelFiles, modelVersionId, EXAMPLE_MODEL_URL, type ModelFile } from './load.js';
export { ModelRegistry, MODEL_NAME, type ModelRegistryDeps, type ModelVersions } from './registry.js';
export { planModelChange, factsOf, MODEL_CHANGE_ACTIONS, type ModelChangeAction, type ModelHistoryEntry, type ModelSlots, type ModelVersionFacts } from './lifecycle.js';
export { InvalidModelError, ModelConflictError, ModelNotFoundError, ModelTooLargeError } from './errors.js';
export { modelRoutes } from './routes.js';
export { withFraudModel, fraudModelPackFile, FRAUD_MODEL_RULE, CORROBORATED_RULES, CLEARLY_GENUINE_BELOW, type AuthoredPack } from './fraudModelRules.js';
export { historyExportRoutes, EXPORTERS, type HistoryExportDeps } from './historyExportRoutes.js';
export { dispositionLabels, exportEventLines, postableEvent } from './historyExport.js';
export * from './historyExportSchema.js';
export { exportedLabelFile, EmptyExportError, type ExportedStream } from './exportedLabelFile.js';

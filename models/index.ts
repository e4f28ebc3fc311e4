// Model scores as features for rules (issue 9): a gradient-boosted tree model trained on the
// bank's own labels (npm run train), stored as ONNX, loaded at start and evaluated in-process.
export { ModelFileError, parseOnnxModel, type ModelMetadata, type OnnxTreeModel } from './onnxFile.js';
export { TreeEnsemble, type TreeSpec, type FeatureContributions } from './treeEnsemble.js';
export { ScoringModel, scoreEvent, TOP_FEATURES } from './scoringModel.js';
export { shadowOutcomes, shadowModelProblem, type ShadowOutcome } from './shadow.js';
export { checkedModel, loadModelFile, loadModelFiles, readModelFiles, modelVersionId, EXAMPLE_MODEL_URL, type ModelFile } from './load.js';

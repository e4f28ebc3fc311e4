import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { FEATURE_NAMES } from '../features/catalogue.js';
import { EVENT_TYPES } from '../core/events/index.js';
import { ModelFileError, parseOnnxModel } from './onnxFile.js';
import { ScoringModel } from './scoringModel.js';

/** Where the example fraud model ships (trained on a simulated bank by npm run train). */
export const EXAMPLE_MODEL_URL = new URL('./fraud-example.onnx', import.meta.url);

/** A checked model with the bytes it was read from, and where from (`file:<path>`, as histories name it). */
export interface ModelFile {
  model: ScoringModel;
  bytes: Uint8Array;
  source: string;
}

/**
 * Reads and checks one model file at start: a graph this runtime evaluates, features the engine
 * computes, event types that exist, and the trainer's own scores reproduced on the rows it stored.
 * A model that fails any of these stops the start with the reason, rather than scoring wrongly.
 */
export async function loadModelFile(path: string): Promise<ScoringModel> {
  return (await readModelFile(path)).model;
}

async function readModelFile(path: string): Promise<ModelFile> {
  const where = basename(path);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new ModelFileError(`${where}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    return { model: checkedModel(bytes), bytes, source: `file:${path}` };
  } catch (error) {
    if (error instanceof ModelFileError) throw new ModelFileError(`${where}: ${error.message}`);
    throw error;
  }
}

/** A model from a file's bytes, checked as loadModelFile does (for tests and tools that hold the bytes). */
export function checkedModel(bytes: Uint8Array): ScoringModel {
  const { metadata, ensemble } = parseOnnxModel(bytes);
  const known = new Set(FEATURE_NAMES);
  const unknown = metadata.features.filter((f) => !known.has(f));
  if (unknown.length > 0) throw new ModelFileError(`it reads features this engine does not compute: ${unknown.join(', ')}`);
  const types: ReadonlySet<string> = new Set(EVENT_TYPES);
  const badTypes = metadata.eventTypes.filter((t) => !types.has(t));
  if (badTypes.length > 0) throw new ModelFileError(`it names event types that do not exist: ${badTypes.join(', ')}`);
  const model = new ScoringModel(metadata, ensemble, modelVersionId(bytes));
  const problem = model.checkAgainstTrainer();
  if (problem) throw new ModelFileError(`it does not reproduce its trainer's scores (${problem})`);
  return model;
}

/** A model file's version id: the SHA-256 of its bytes, in hex. */
export function modelVersionId(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Every configured model; two that rules would call by the same name are refused. */
export async function loadModelFiles(paths: readonly string[]): Promise<ScoringModel[]> {
  return (await readModelFiles(paths)).map((file) => file.model);
}

/** Every configured model file with its bytes (the registry stores them); two of one name are refused. */
export async function readModelFiles(paths: readonly string[]): Promise<ModelFile[]> {
  const files = await Promise.all(paths.map((path) => readModelFile(path)));
  const names = new Map<string, string>();
  files.forEach(({ model }, i) => {
    const other = names.get(model.name);
    if (other) throw new ModelFileError(`${basename(paths[i]!)} and ${other} are both model "${model.name}": rules could not tell them apart`);
    names.set(model.name, basename(paths[i]!));
  });
  return files;
}

import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { z } from 'zod';
import { BRANCH_MODES, TreeEnsemble, type BranchMode, type TreeSpec } from './treeEnsemble.js';

// Reads a Vigil model from its .onnx file: the graph (one ai.onnx.ml TreeEnsembleRegressor giving
// the margin, a Sigmoid giving the probability) and the metadata models/train.py writes beside
// it in the file's metadata_props. The file is decoded with protobufjs against ONNX's own schema
// (onnx.proto, from the ONNX release, Apache-2.0), so nothing about the format is guessed here.

export class ModelFileError extends Error {
  override readonly name = 'ModelFileError';
}

/** What the model's metadata says about it; `checkRows` are the trainer's own results for a few rows. */
export const modelMetadataSchema = z.object({
  name: z.string().regex(/^[a-z0-9_]+$/, 'vigil.name: lowercase letters, digits and underscores (rules call it model.<name>)'),
  version: z.string().min(1).max(64),
  features: z.array(z.string().min(1)).min(1),
  eventTypes: z.array(z.string().min(1)).min(1),
  nodeCovers: z.array(z.array(z.number().nonnegative())),
  checkRows: z.array(z.object({ x: z.array(z.number()), margin: z.number(), contributions: z.array(z.number()), bias: z.number() })).min(1),
});
export type ModelMetadata = z.infer<typeof modelMetadataSchema>;

export interface OnnxTreeModel {
  metadata: ModelMetadata;
  ensemble: TreeEnsemble;
}

const ONNX_PROTO = fileURLToPath(new URL('./onnx.proto', import.meta.url));
let modelProto: protobuf.Type | undefined;

interface Attribute { name: string; f?: number; i?: number; s?: Uint8Array; floats?: number[]; ints?: number[]; strings?: Uint8Array[] }
interface GraphNode { opType: string; domain?: string; input?: string[]; output?: string[]; attribute?: Attribute[] }
interface Decoded {
  graph?: { node?: GraphNode[]; input?: { name: string }[]; output?: { name: string }[] };
  metadataProps?: { key: string; value: string }[];
}

/** Decodes and checks a model file's bytes; every problem is a ModelFileError naming what is wrong. */
export function parseOnnxModel(bytes: Uint8Array): OnnxTreeModel {
  modelProto ??= protobuf.loadSync(ONNX_PROTO).lookupType('onnx.ModelProto');
  let decoded: Decoded;
  try {
    decoded = modelProto.toObject(modelProto.decode(bytes), { longs: Number, enums: String, arrays: true }) as Decoded;
  } catch (error) {
    throw new ModelFileError(`not an ONNX model: ${error instanceof Error ? error.message : String(error)}`);
  }
  const metadata = readMetadata(decoded.metadataProps ?? []);
  const nodes = decoded.graph?.node ?? [];
  const trees = nodes.find((n) => n.opType === 'TreeEnsembleRegressor' && n.domain === 'ai.onnx.ml');
  const sigmoid = nodes.find((n) => n.opType === 'Sigmoid');
  if (!trees || !sigmoid || nodes.length !== 2 || sigmoid.input?.[0] !== trees.output?.[0]) {
    throw new ModelFileError(`expected a TreeEnsembleRegressor (ai.onnx.ml) followed by a Sigmoid; the graph has ${nodes.map((n) => n.opType).join(', ') || 'no nodes'}`);
  }
  if (!(decoded.graph?.output ?? []).some((o) => o.name === sigmoid.output?.[0])) throw new ModelFileError('the Sigmoid\'s probability is not an output of the graph');
  return { metadata, ensemble: readEnsemble(attributes(trees), metadata) };
}

function readMetadata(props: readonly { key: string; value: string }[]): ModelMetadata {
  const get = (key: string) => props.find((p) => p.key === key)?.value;
  const json = (key: string) => {
    const text = get(key);
    if (text === undefined) throw new ModelFileError(`metadata ${key} is missing: train the model with npm run train`);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ModelFileError(`metadata ${key} is not JSON`);
    }
  };
  const parsed = modelMetadataSchema.safeParse({
    name: get('vigil.name'), version: get('vigil.version'), features: json('vigil.features'), eventTypes: json('vigil.event_types'),
    nodeCovers: json('vigil.node_covers'), checkRows: json('vigil.check_rows'),
  });
  if (!parsed.success) throw new ModelFileError(`metadata: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

function attributes(node: GraphNode): Map<string, Attribute> {
  return new Map((node.attribute ?? []).map((a) => [a.name, a]));
}

const text = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

function readEnsemble(attrs: Map<string, Attribute>, metadata: ModelMetadata): TreeEnsemble {
  const ints = (name: string) => attrs.get(name)?.ints ?? [];
  const floats = (name: string) => attrs.get(name)?.floats ?? [];
  for (const name of ['nodes_values_as_tensor', 'target_weights_as_tensor', 'base_values_as_tensor', 'nodes_hitrates_as_tensor']) {
    if (attrs.has(name)) throw new ModelFileError(`${name} is not supported: thresholds and weights as float attributes only`);
  }
  const expect = (ok: boolean, problem: string) => {
    if (!ok) throw new ModelFileError(problem);
  };
  expect((attrs.get('n_targets')?.i ?? 1) === 1, 'n_targets must be 1 (one score)');
  expect((text(attrs.get('aggregate_function')?.s) ?? 'SUM') === 'SUM', 'aggregate_function must be SUM');
  expect((text(attrs.get('post_transform')?.s) ?? 'NONE') === 'NONE', 'post_transform must be NONE (the Sigmoid node makes the probability)');
  const base = floats('base_values');
  expect(base.length <= 1, 'base_values must hold at most one value');

  const treeIds = ints('nodes_treeids');
  const nodeIds = ints('nodes_nodeids');
  const featureIds = ints('nodes_featureids');
  const modes = (attrs.get('nodes_modes')?.strings ?? []).map((s) => text(s)!);
  const values = floats('nodes_values');
  const trueIds = ints('nodes_truenodeids');
  const falseIds = ints('nodes_falsenodeids');
  const missing = ints('nodes_missing_value_tracks_true');
  const n = treeIds.length;
  for (const [name, list] of [['nodes_nodeids', nodeIds], ['nodes_featureids', featureIds], ['nodes_modes', modes], ['nodes_values', values], ['nodes_truenodeids', trueIds], ['nodes_falsenodeids', falseIds]] as const) {
    expect(list.length === n, `${name} has ${list.length} entries for ${n} nodes`);
  }
  expect(missing.length === 0 || missing.length === n, `nodes_missing_value_tracks_true has ${missing.length} entries for ${n} nodes`);

  const treeCount = Math.max(-1, ...treeIds) + 1;
  expect(treeCount === metadata.nodeCovers.length, `the file has ${treeCount} trees and covers for ${metadata.nodeCovers.length}`);
  const specs: TreeSpec[] = Array.from({ length: treeCount }, (_, t) => {
    const size = metadata.nodeCovers[t]!.length;
    return {
      mode: Array<BranchMode | 'LEAF'>(size).fill('LEAF'), feature: Array<number>(size).fill(0), threshold: Array<number>(size).fill(0),
      trueChild: Array<number>(size).fill(0), falseChild: Array<number>(size).fill(0), missingTracksTrue: Array<boolean>(size).fill(false),
      leafValue: Array<number>(size).fill(0), cover: metadata.nodeCovers[t]!, root: 0,
    };
  });
  const seen = specs.map((s) => new Uint8Array(s.mode.length));
  for (let i = 0; i < n; i++) {
    const tree = specs[treeIds[i]!];
    const node = nodeIds[i]!;
    expect(tree !== undefined && node >= 0 && node < tree.mode.length, `node ${node} of tree ${treeIds[i]} has no cover in vigil.node_covers`);
    const spec = tree!;
    seen[treeIds[i]!]![node] = 1;
    const mode = modes[i]!;
    if (mode === 'LEAF') continue;
    expect((BRANCH_MODES as readonly string[]).includes(mode), `node mode ${mode} is not a TreeEnsemble mode`);
    expect(featureIds[i]! >= 0 && featureIds[i]! < metadata.features.length, `a node reads input ${featureIds[i]}, the model has ${metadata.features.length}`);
    const within = (id: number) => id >= 0 && id < spec.mode.length;
    expect(within(trueIds[i]!) && within(falseIds[i]!), `node ${node} of tree ${treeIds[i]} points outside its tree`);
    expect((spec.cover[node] ?? 0) > 0, `node ${node} of tree ${treeIds[i]} splits with no training cover`);
    (spec.mode as (BranchMode | 'LEAF')[])[node] = mode as BranchMode;
    (spec.feature as number[])[node] = featureIds[i]!;
    (spec.threshold as number[])[node] = values[i]!;
    (spec.trueChild as number[])[node] = trueIds[i]!;
    (spec.falseChild as number[])[node] = falseIds[i]!;
    (spec.missingTracksTrue as boolean[])[node] = missing[i] === 1;
  }
  expect(seen.every((s) => s.every((v) => v === 1)), 'a tree has nodes that vigil.node_covers counts but the ensemble does not define');

  const targetTrees = ints('target_treeids');
  const targetNodes = ints('target_nodeids');
  const targetIds = ints('target_ids');
  const weights = floats('target_weights');
  expect(targetNodes.length === targetTrees.length && weights.length === targetTrees.length && targetIds.length === targetTrees.length, 'target_* attributes differ in length');
  expect(targetIds.every((id) => id === 0), 'every target_id must be 0 (one score)');
  for (let i = 0; i < targetTrees.length; i++) {
    const spec = specs[targetTrees[i]!];
    expect(spec !== undefined && spec.mode[targetNodes[i]!] === 'LEAF', `a target weight names node ${targetNodes[i]} of tree ${targetTrees[i]}, which is not a leaf`);
    (spec!.leafValue as number[])[targetNodes[i]!]! += weights[i]!;
  }
  return new TreeEnsemble(specs, base[0] ?? 0, metadata.features.length);
}

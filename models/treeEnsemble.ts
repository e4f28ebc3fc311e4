// A tree ensemble as ONNX's TreeEnsembleRegressor defines it, evaluated in plain TypeScript so a
// worker scores an event synchronously, inside the pure assessment, in a few microseconds
// (models/README.md has the measurements against onnxruntime-node, the reference runtime, which
// the tests hold this evaluator to on thousands of rows).
//
// Semantics follow the operator: inputs are float32 (ONNX's tensor(float)), so each value is
// rounded to float32 before it is compared with a float32 threshold; a branch node sends a value
// to its true child when the comparison holds, and a NaN to the true child when
// missing_value_tracks_true; the output is base value + the sum of the leaves reached.

export const BRANCH_MODES = ['BRANCH_LEQ', 'BRANCH_LT', 'BRANCH_GTE', 'BRANCH_GT', 'BRANCH_EQ', 'BRANCH_NEQ'] as const;
export type BranchMode = (typeof BRANCH_MODES)[number];
const LEAF = 255;

/** One tree's nodes; child ids are positions in these arrays. Leaves have `mode` 'LEAF' and a value. */
export interface TreeSpec {
  mode: readonly (BranchMode | 'LEAF')[];
  feature: readonly number[];
  threshold: readonly number[];
  trueChild: readonly number[];
  falseChild: readonly number[];
  missingTracksTrue: readonly boolean[];
  leafValue: readonly number[];
  /** Training cover (hessian sum) of each node: how much of the training data passed through it. */
  cover: readonly number[];
  root: number;
}

export interface FeatureContributions {
  /** Per input, in log-odds (the margin's unit): how much the splits on it moved this row's margin. */
  byFeature: Float64Array;
  /** The expected margin before any split: the base value plus each tree's cover-weighted mean. */
  bias: number;
}

export class TreeEnsemble {
  private readonly mode: Uint8Array;
  private readonly feature: Int32Array;
  private readonly threshold: Float64Array;
  private readonly trueChild: Int32Array;
  private readonly falseChild: Int32Array;
  private readonly missingTrue: Uint8Array;
  private readonly value: Float64Array;
  /** Cover-weighted mean of the leaves below each node (the leaf's own value at a leaf). */
  private readonly mean: Float64Array;
  private readonly roots: Int32Array;

  constructor(trees: readonly TreeSpec[], readonly baseValue: number, readonly inputs: number) {
    const size = trees.reduce((n, t) => n + t.mode.length, 0);
    this.mode = new Uint8Array(size);
    this.feature = new Int32Array(size);
    this.threshold = new Float64Array(size);
    this.trueChild = new Int32Array(size);
    this.falseChild = new Int32Array(size);
    this.missingTrue = new Uint8Array(size);
    this.value = new Float64Array(size);
    this.mean = new Float64Array(size);
    this.roots = new Int32Array(trees.length);
    let offset = 0;
    trees.forEach((tree, t) => {
      this.roots[t] = offset + tree.root;
      for (let i = 0; i < tree.mode.length; i++) {
        const at = offset + i;
        const mode = tree.mode[i]!;
        this.mode[at] = mode === 'LEAF' ? LEAF : BRANCH_MODES.indexOf(mode);
        this.feature[at] = tree.feature[i]!;
        this.threshold[at] = Math.fround(tree.threshold[i]!);
        this.trueChild[at] = offset + tree.trueChild[i]!;
        this.falseChild[at] = offset + tree.falseChild[i]!;
        this.missingTrue[at] = tree.missingTracksTrue[i] ? 1 : 0;
        this.value[at] = tree.leafValue[i]!;
      }
      fillMeans(tree, offset, this.mean);
      offset += tree.mode.length;
    });
  }

  get trees(): number {
    return this.roots.length;
  }

  /** The ensemble's output for one row: base value plus the leaves reached (log-odds for a classifier). */
  margin(x: Float32Array): number {
    let sum = 0;
    for (let t = 0; t < this.roots.length; t++) sum += this.value[this.leafOf(this.roots[t]!, x)]!;
    return this.baseValue + sum;
  }

  /**
   * Saabas contributions: along the path each tree sends the row down, the change in the
   * cover-weighted mean from a node to the child taken is credited to the node's feature. They add
   * up, with the bias, to the margin exactly; XGBoost calls them approx_contribs.
   */
  contributions(x: Float32Array): FeatureContributions {
    const byFeature = new Float64Array(this.inputs);
    let bias = this.baseValue;
    for (let t = 0; t < this.roots.length; t++) {
      let node = this.roots[t]!;
      bias += this.mean[node]!;
      while (this.mode[node] !== LEAF) {
        const next = this.childOf(node, x[this.feature[node]!]!);
        byFeature[this.feature[node]!]! += this.mean[next]! - this.mean[node]!;
        node = next;
      }
    }
    return { byFeature, bias };
  }

  private leafOf(root: number, x: Float32Array): number {
    let node = root;
    while (this.mode[node] !== LEAF) node = this.childOf(node, x[this.feature[node]!]!);
    return node;
  }

  private childOf(node: number, v: number): number {
    return goesTrue(this.mode[node]!, v, this.threshold[node]!, this.missingTrue[node] === 1) ? this.trueChild[node]! : this.falseChild[node]!;
  }
}

// A NaN takes the true branch when missing values track true; otherwise it is compared like any
// value (false for every comparison but "not equal"), as onnxruntime does.
function goesTrue(mode: number, v: number, threshold: number, missingTrue: boolean): boolean {
  if (missingTrue && Number.isNaN(v)) return true;
  switch (mode) {
    case 0: return v <= threshold;
    case 1: return v < threshold;
    case 2: return v >= threshold;
    case 3: return v > threshold;
    case 4: return v === threshold;
    default: return v !== threshold;
  }
}

/**
 * A node's mean is its children's means weighted by their covers, over its own cover (XGBoost's
 * FillNodeMeanValues), computed children first.
 */
function fillMeans(tree: TreeSpec, offset: number, mean: Float64Array): void {
  const visit = (node: number): number => {
    if (tree.mode[node] === 'LEAF') return (mean[offset + node] = tree.leafValue[node]!);
    const yes = tree.trueChild[node]!;
    const no = tree.falseChild[node]!;
    const weighted = visit(yes) * tree.cover[yes]! + visit(no) * tree.cover[no]!;
    return (mean[offset + node] = weighted / tree.cover[node]!);
  };
  visit(tree.root);
}

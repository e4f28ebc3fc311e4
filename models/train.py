"""Trains a gradient-boosted tree model on exported rows and writes it as ONNX.

Called by `npm run train` (bin/train.ts), which exports the rows (features as they were at each
event, a label, a train/validation split) and the description of where they came from. Run it
with Debian's interpreter, where python3-xgboost, python3-onnx and python3-sklearn are installed:

    /usr/bin/python3 models/train.py --rows rows.csv --spec spec.json --out models/fraud-example

Reproducible: one thread, fixed seed, no subsampling, no wall-clock time in the outputs. The
same rows give a byte-identical .onnx and .json.

The ONNX graph is one `ai.onnx.ml` TreeEnsembleRegressor (the trees' summed margin, with
XGBoost's base score as its base value) and a Sigmoid (the probability). There is no converter
package for XGBoost in Debian, so the trees are written here from the booster's own JSON model,
whose thresholds and leaf values are float32 printed exactly. XGBoost sends `x < threshold` to
the left child ("yes") and a missing value to its default child: BRANCH_LT with the left child
as the true branch, and missing_value_tracks_true = default_left.
"""

import argparse
import hashlib
import json
import math
import sys

import numpy as np
import onnx
import sklearn
import xgboost as xgb
from onnx import TensorProto, helper
from sklearn.metrics import average_precision_score, roc_auc_score

# Modest trees: the model must stay small (shipped in the repository) and cheap to score per event.
PARAMS = {
    "objective": "binary:logistic",
    "eval_metric": "auc",
    "tree_method": "hist",
    "max_depth": 4,
    "eta": 0.15,
    "min_child_weight": 2,
    "subsample": 1.0,
    "colsample_bytree": 1.0,
    "lambda": 1.0,
    "seed": 7,
    "nthread": 1,
}
ROUNDS = 60
CHECK_ROWS = 24


def main() -> int:
    args = parse_args()
    spec = json.loads(open(args.spec, encoding="utf8").read())
    features = spec["features"]
    header, data = read_rows(args.rows)
    expected = ["label", "split", *features]
    if header != expected:
        sys.exit(f"{args.rows}: columns {header[:5]}… do not match the spec's features (label, split, then {len(features)} features)")
    labels, split, x = data[:, 0], data[:, 1], data[:, 2:].astype(np.float32)
    train, valid = split == 0, split == 1
    if labels[train].sum() == 0 or labels[valid].sum() == 0:
        sys.exit("both the training and the validation rows need positive labels")

    dtrain = xgb.DMatrix(x[train], label=labels[train], feature_names=features, nthread=1)
    dvalid = xgb.DMatrix(x[valid], label=labels[valid], feature_names=features, nthread=1)
    booster = xgb.train(PARAMS, dtrain, ROUNDS)

    model = json.loads(booster.save_raw("json"))
    trees = read_trees(model)
    base_margin = logit(float(model["learner"]["learner_model_param"]["base_score"]))

    # The conversion is checked here on every validation row: the written trees, summed as the
    # ONNX runtime will, must give XGBoost's own margin.
    margins_xgb = booster.predict(dvalid, output_margin=True)
    margins_trees = np.array([tree_margin(trees, row, base_margin) for row in x[valid]])
    worst = float(np.max(np.abs(margins_xgb - margins_trees)))
    if worst > 1e-4:
        sys.exit(f"the exported trees disagree with XGBoost by {worst} on a validation row")

    metrics = {
        "train": quality(labels[train], booster.predict(dtrain)),
        "validation": quality(labels[valid], booster.predict(dvalid)),
    }
    check = check_rows(booster, x[valid], labels[valid], features)
    meta = {
        "name": spec["name"],
        "version": spec["version"],
        "features": features,
        "event_types": spec["event_types"],
        "output": "probability of fraud, 0..1 (sigmoid of the summed tree margins)",
        "labelling": spec["labelling"],
        "source": spec["source"],
        "rows": {
            "train": int(train.sum()), "train_positive": int(labels[train].sum()),
            "validation": int(valid.sum()), "validation_positive": int(labels[valid].sum()),
        },
        "trainer": {
            "library": f"xgboost {xgb.__version__}", "onnx": f"onnx {onnx.__version__}", "metrics": f"scikit-learn {sklearn.__version__}",
            "params": PARAMS, "rounds": ROUNDS, "base_margin": base_margin,
        },
        "metrics": metrics,
    }
    onnx_model = build_onnx(trees, base_margin, features, meta, check)
    onnx.checker.check_model(onnx_model)
    data_bytes = onnx_model.SerializeToString()
    with open(f"{args.out}.onnx", "wb") as f:
        f.write(data_bytes)
    meta["onnx_sha256"] = hashlib.sha256(data_bytes).hexdigest()
    meta["onnx_bytes"] = len(data_bytes)
    with open(f"{args.out}.json", "w", encoding="utf8") as f:
        f.write(json.dumps(meta, indent=2) + "\n")
    print(json.dumps({"out": args.out, "bytes": len(data_bytes), "trees": len(trees), "metrics": metrics}))
    return 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", required=True, help="CSV: label, split (0 train, 1 validation), then the features")
    parser.add_argument("--spec", required=True, help="JSON: name, version, features, event_types, labelling, source")
    parser.add_argument("--out", required=True, help="path without extension: writes <out>.onnx and <out>.json")
    return parser.parse_args()


def read_rows(path: str):
    with open(path, encoding="utf8") as f:
        header = f.readline().strip().split(",")
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)
    return header, data


def logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def read_trees(model: dict) -> list:
    """Each tree as flat lists in XGBoost's node order (node 0 the root)."""
    trees = []
    for tree in model["learner"]["gradient_booster"]["model"]["trees"]:
        if any(tree["split_type"]):
            sys.exit("categorical splits are not supported")
        trees.append({
            "left": tree["left_children"], "right": tree["right_children"],
            "feature": tree["split_indices"],
            # Thresholds for splits, leaf values for leaves (one field in XGBoost): float32 exactly.
            "value": [float(np.float32(v)) for v in tree["split_conditions"]],
            "default_left": tree["default_left"], "cover": tree["sum_hessian"],
        })
    return trees


def tree_margin(trees: list, row: np.ndarray, base_margin: float) -> float:
    total = np.float32(base_margin)
    for t in trees:
        node = 0
        while t["left"][node] != -1:
            v = row[t["feature"][node]]
            if math.isnan(v):
                node = t["left"][node] if t["default_left"][node] else t["right"][node]
            else:
                node = t["left"][node] if v < np.float32(t["value"][node]) else t["right"][node]
        total = np.float32(total + np.float32(t["value"][node]))
    return float(total)


def quality(labels: np.ndarray, scores: np.ndarray) -> dict:
    out = {"auc": round(float(roc_auc_score(labels, scores)), 4), "average_precision": round(float(average_precision_score(labels, scores)), 4)}
    for threshold in (0.5, 0.8):
        flagged = scores >= threshold
        tp = float((flagged & (labels == 1)).sum())
        out[f"at_{threshold}"] = {
            "precision": round(tp / flagged.sum(), 4) if flagged.sum() else None,
            "recall": round(tp / (labels == 1).sum(), 4),
            "flagged": int(flagged.sum()),
        }
    return out


def check_rows(booster: xgb.Booster, x: np.ndarray, labels: np.ndarray, features: list) -> list:
    """A few validation rows with XGBoost's own margin and per-feature contributions (Saabas,
    approx_contribs), so the runtime can prove at load that it reads the file as XGBoost meant it."""
    positives = np.flatnonzero(labels == 1)[: CHECK_ROWS // 2]
    negatives = np.flatnonzero(labels == 0)[: CHECK_ROWS - len(positives)]
    rows = x[np.concatenate([positives, negatives])]
    d = xgb.DMatrix(rows, feature_names=features, nthread=1)
    margins = booster.predict(d, output_margin=True)
    contribs = booster.predict(d, pred_contribs=True, approx_contribs=True)
    return [
        {"x": [float(v) for v in row], "margin": float(m), "contributions": [float(c) for c in cs[:-1]], "bias": float(cs[-1])}
        for row, m, cs in zip(rows, margins, contribs)
    ]


def build_onnx(trees: list, base_margin: float, features: list, meta: dict, check: list) -> onnx.ModelProto:
    attrs = {k: [] for k in ("tree", "node", "feature", "mode", "value", "true", "false", "missing_true")}
    targets = {k: [] for k in ("tree", "node", "weight")}
    covers = []
    for tree_id, t in enumerate(trees):
        covers.append([float(c) for c in t["cover"]])
        for node, left in enumerate(t["left"]):
            leaf = left == -1
            attrs["tree"].append(tree_id)
            attrs["node"].append(node)
            attrs["feature"].append(0 if leaf else t["feature"][node])
            attrs["mode"].append("LEAF" if leaf else "BRANCH_LT")
            attrs["value"].append(0.0 if leaf else t["value"][node])
            attrs["true"].append(0 if leaf else left)
            attrs["false"].append(0 if leaf else t["right"][node])
            attrs["missing_true"].append(0 if leaf else int(t["default_left"][node]))
            if leaf:
                targets["tree"].append(tree_id)
                targets["node"].append(node)
                targets["weight"].append(t["value"][node])

    ensemble = helper.make_node(
        "TreeEnsembleRegressor", ["features"], ["margin"], domain="ai.onnx.ml", name="trees",
        n_targets=1, aggregate_function="SUM", post_transform="NONE", base_values=[base_margin],
        nodes_treeids=attrs["tree"], nodes_nodeids=attrs["node"], nodes_featureids=attrs["feature"],
        nodes_modes=attrs["mode"], nodes_values=attrs["value"], nodes_truenodeids=attrs["true"],
        nodes_falsenodeids=attrs["false"], nodes_missing_value_tracks_true=attrs["missing_true"],
        target_treeids=targets["tree"], target_nodeids=targets["node"],
        target_ids=[0] * len(targets["tree"]), target_weights=targets["weight"],
    )
    sigmoid = helper.make_node("Sigmoid", ["margin"], ["probability"], name="probability")
    graph = helper.make_graph(
        [ensemble, sigmoid], meta["name"],
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, [None, len(features)])],
        [helper.make_tensor_value_info("probability", TensorProto.FLOAT, [None, 1]),
         helper.make_tensor_value_info("margin", TensorProto.FLOAT, [None, 1])],
    )
    model = helper.make_model(
        graph, producer_name="vigil-train", producer_version=meta["version"],
        opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("ai.onnx.ml", 3)],
    )
    model.ir_version = 8
    model.doc_string = f"Vigil model {meta['name']} {meta['version']}: {meta['output']}"
    compact = lambda value: json.dumps(value, separators=(",", ":"))
    helper.set_model_props(model, {
        "vigil.name": meta["name"],
        "vigil.version": meta["version"],
        "vigil.features": compact(features),
        "vigil.event_types": compact(meta["event_types"]),
        # Not part of the ONNX operator: the training cover (hessian sum) of every node, in the
        # order of the nodes above, from which the runtime weighs each split's contribution.
        "vigil.node_covers": compact(covers),
        "vigil.check_rows": compact(check),
    })
    return model


if __name__ == "__main__":
    sys.exit(main())

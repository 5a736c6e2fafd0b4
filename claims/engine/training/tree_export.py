"""LightGBM boosters -> `claims.engine.runtime.trees.Trees` (numpy arrays the workers evaluate)."""

from __future__ import annotations

from typing import Any

import numpy as np

from claims.engine.runtime.trees import Trees

Node = tuple[int, float, int, int, float]  # feature, threshold, left, right, leaf value


def export_lightgbm(booster: Any) -> Trees:
    """LightGBM's JSON dump -> padded node arrays, every tree in the booster's order (for a
    multiclass booster tree t belongs to class t % num_class). Numerical ``<=`` splits only."""
    dump = booster.dump_model()
    trees: list[list[Node]] = []
    depth = 0
    for info in dump["tree_info"]:
        nodes: list[Node] = []
        stack: list[tuple[dict[str, Any], int, int]] = [(info["tree_structure"], 0, -1)]
        # Depth-first, left first, recording each node's index in its parent's left/right slot.
        while stack:
            node, level, parent_slot = stack.pop()
            index = len(nodes)
            if parent_slot >= 0:
                parent, side = divmod(parent_slot, 2)
                f, thr, lo, hi, v = nodes[parent]
                nodes[parent] = (f, thr, index, hi, v) if side == 0 else (f, thr, lo, index, v)
            if "leaf_value" in node:
                nodes.append((0, 0.0, index, index, float(node["leaf_value"])))
                depth = max(depth, level)
                continue
            if node.get("decision_type", "<=") != "<=":
                raise ValueError(f"unsupported split {node.get('decision_type')}")
            nodes.append((int(node["split_feature"]), float(node["threshold"]), -1, -1, 0.0))
            stack.append((node["right_child"], level + 1, 2 * index + 1))
            stack.append((node["left_child"], level + 1, 2 * index))
        trees.append(nodes)
    width = max((len(t) for t in trees), default=1)
    shape = (len(trees), width)
    feature = np.zeros(shape, dtype=np.int32)
    threshold = np.zeros(shape, dtype=np.float64)
    left = np.tile(np.arange(width, dtype=np.int32), (len(trees), 1))
    right = left.copy()
    value = np.zeros(shape, dtype=np.float64)
    for t, nodes in enumerate(trees):
        for i, (f, thr, lo, hi, v) in enumerate(nodes):
            feature[t, i], threshold[t, i], left[t, i], right[t, i], value[t, i] = f, thr, lo, hi, v
    return Trees(feature, threshold, left, right, value, depth)

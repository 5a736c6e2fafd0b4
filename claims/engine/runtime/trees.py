"""Gradient-boosted trees evaluated with numpy alone, for the learned stance model and the
claim reranker (both trained with LightGBM by `make model`; LightGBM is not needed to run them).

A tree ensemble is padded node arrays of one shape (trees, nodes): ``feature[t, i]`` and
``threshold[t, i]`` send node i of tree t left when ``x[feature] <= threshold``; a leaf points
to itself and holds ``value``; node 0 is each root. `claims.engine.training.tree_export.export_lightgbm`
writes that layout from LightGBM's JSON dump, and the artifacts store the arrays as they are.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

# (row, tree) pairs walked at once: bounds the index arrays when a training run scores tens of
# thousands of rows through a thousand trees, and is far above what a worker's search needs.
MAX_PAIRS_PER_STEP = 1 << 20


class Trees:
    """Additive regression trees as padded node arrays (see the module docstring)."""

    def __init__(
        self,
        feature: npt.NDArray[np.int32],
        threshold: npt.NDArray[np.float64],
        left: npt.NDArray[np.int32],
        right: npt.NDArray[np.int32],
        value: npt.NDArray[np.float64],
        depth: int,
    ) -> None:
        shape = feature.shape
        if len(shape) != 2 or any(a.shape != shape for a in (threshold, left, right, value)):
            raise ValueError("tree arrays need one (trees, nodes) shape")
        if depth < 0:
            raise ValueError("negative depth")
        self.feature = feature
        self.threshold = threshold
        self.left = left
        self.right = right
        self.value = value
        self.depth = depth
        # Flat copies with each node's index offset by its tree's: one 1-d take per step.
        width = shape[1]
        offset = (np.arange(shape[0], dtype=np.int64) * width)[:, None]
        self._feature = feature.astype(np.int64).ravel()
        self._threshold = threshold.astype(np.float64).ravel()
        self._left = (left + offset).ravel()
        self._right = (right + offset).ravel()
        self._value = value.astype(np.float64).ravel()
        self._roots = offset.ravel()

    @classmethod
    def empty(cls) -> Trees:
        """No trees: every row scores 0 (a placeholder while features are computed)."""
        none = np.zeros((0, 1))
        return cls(
            none.astype(np.int32), none, none.astype(np.int32), none.astype(np.int32), none, 0
        )

    @property
    def n_trees(self) -> int:
        return int(self.feature.shape[0])

    def leaves(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """The leaf value each tree gives each row of `x` (n, features): shape (n, trees)."""
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        n, n_trees = x.shape[0], self.n_trees
        out = np.zeros((n, n_trees))
        if not n or not n_trees:
            return out
        rows_per_step = max(1, MAX_PAIRS_PER_STEP // n_trees)
        for start in range(0, n, rows_per_step):
            chunk = x[start : start + rows_per_step]
            m = chunk.shape[0]
            flat = chunk.ravel()
            # (row, tree) pairs flattened; `base` points each at its row's features.
            node = np.tile(self._roots, m)
            base = np.repeat(np.arange(m, dtype=np.int64) * chunk.shape[1], n_trees)
            for _ in range(self.depth):
                go_left = flat[base + self._feature[node]] <= self._threshold[node]
                node = np.where(go_left, self._left[node], self._right[node])
            out[start : start + m] = self._value[node].reshape(m, n_trees)
        return out

    def predict(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """The summed leaf values for each row of `x` (n, features)."""
        result: npt.NDArray[np.float64] = self.leaves(x).sum(axis=1)
        return result

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        return {
            "feature": self.feature,
            "threshold": self.threshold,
            "left": self.left,
            "right": self.right,
            "value": self.value,
            "depth": np.array([self.depth], dtype=np.int32),
        }

    @classmethod
    def from_arrays(cls, data: Any) -> Trees:
        return cls(
            feature=np.asarray(data["feature"], dtype=np.int32),
            threshold=np.asarray(data["threshold"], dtype=np.float64),
            left=np.asarray(data["left"], dtype=np.int32),
            right=np.asarray(data["right"], dtype=np.int32),
            value=np.asarray(data["value"], dtype=np.float64),
            depth=int(np.asarray(data["depth"]).reshape(-1)[0]),
        )

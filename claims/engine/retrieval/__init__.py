"""Finding the claims a sentence speaks to: the BM25 index, the static embedding and the learned reranker."""

"""The reference SGD kernel: readable numpy, one minibatch of pairs per step.

Each step takes ``batch_pairs`` (center, context, K negatives) triples, computes the loss and
the *true* gradients from one snapshot of the weights with the seed's equations
(``w2v.losses``), and only then applies ``-lr * grad`` with ``np.add.at``, so a row that occurs
several times in the batch (a repeated negative included) receives every contribution. This is
minibatch SGD rather than word2vec.c's pair-by-pair update; on real corpora the difference is
second order (the batch's pairs rarely share rows except frequent negatives).

``loss="softmax"`` trains the seed's full naive-softmax objective (eqs 1-43), O(|V|) per pair.
"""

from __future__ import annotations

import numpy as np

from w2v import losses, sampler


class NumpyKernel:
    chunk_words = 20_000  # a progress update and a possible checkpoint every chunk

    def __init__(
        self,
        counts: np.ndarray,
        total_words: int,
        *,
        window: int = 5,
        negative: int = 5,
        sample: float = 1e-3,
        loss: str = "ns",
        batch_pairs: int = 1024,
    ):
        self.keep = sampler.keep_probs(counts, total_words, sample)
        self.cdf = sampler.noise_cdf(counts)
        self.window, self.negative, self.loss = window, negative, loss
        self.batch_pairs = batch_pairs

    def train_chunk(self, W_in, W_out, ids, lr_start, lr_end, seed) -> tuple[float, int]:
        """Train in place on one chunk of ids; returns (summed loss, number of pairs)."""
        rng = np.random.default_rng(seed)
        ids = sampler.subsample(ids, self.keep, rng)
        centers, contexts = sampler.window_pairs(ids, self.window, rng)
        n = len(centers)
        total = 0.0
        for start in range(0, n, self.batch_pairs):
            c = centers[start : start + self.batch_pairs]
            o = contexts[start : start + self.batch_pairs]
            lr = lr_start + (lr_end - lr_start) * start / max(n, 1)
            if self.loss == "softmax":
                total += self._softmax_step(W_in, W_out, c, o, lr)
            else:
                neg = sampler.draw_negatives(rng, self.cdf, (len(c), self.negative))
                total += self._ns_step(W_in, W_out, c, o, neg, lr)
        return total, n

    @staticmethod
    def _ns_step(W_in, W_out, c, o, neg, lr) -> float:
        loss, g_v, g_o, g_neg = losses.ns_batch_terms(W_in[c], W_out[o], W_out[neg])
        d = W_in.shape[1]
        np.add.at(W_in, c, (-lr * g_v).astype(W_in.dtype))
        np.add.at(W_out, o, (-lr * g_o).astype(W_out.dtype))
        np.add.at(W_out, neg.ravel(), (-lr * g_neg).reshape(-1, d).astype(W_out.dtype))
        return float(np.sum(loss, dtype=np.float64))

    @staticmethod
    def _softmax_step(W_in, W_out, c, o, lr) -> float:
        loss, g_v, g_U = losses.softmax_batch_terms(W_in[c], W_out, o)
        np.add.at(W_in, c, (-lr * g_v).astype(W_in.dtype))
        W_out -= (lr * g_U).astype(W_out.dtype)
        return float(np.sum(loss, dtype=np.float64))

#!/usr/bin/env python3
"""A deterministic synthetic corpus with a Zipfian vocabulary, for memory and scaling tests only
(its words carry no meaning: there is nothing to learn from it).

Word ``w{k}`` (k = 1 .. ``--vocab``) has probability proportional to 1 / k^s (Zipf's law with
exponent s, ``--exponent``, 1 by default, as in natural text), so ``w1`` is the most frequent.
Tokens are drawn independently; sentence lengths vary, drawn from a geometric distribution
(mean ``--mean-sentence`` words, at least 1, at most 1,000 so no line is split by a trainer's
1,000-word limit). The same arguments always give the same bytes: one
``np.random.Generator(seed)`` draws the blocks in order.

How many of the ``--vocab`` words appear depends on the tokens: at V = 1M, s = 1 and 30M tokens
the rarest word is expected about twice, and about 97% of the words appear at least once (the
script prints the exact count). Everything is vectorised numpy (inverse-CDF sampling, then one
byte gather per block): 30M tokens take about 10 s.

Usage:
  python scripts/zipf_corpus.py --vocab 1000000 --tokens 30000000 --seed 0 -o zipf-1m.txt
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

BLOCK_TOKENS = 1 << 20  # tokens drawn and written per block: ~8 MB of text, ~60 MB of indices
MAX_SENTENCE = 1000


def word_table(vocab: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The words' bytes back to back (``w1w2...``), each word's start and length.

    >>> blob, starts, lengths = word_table(3)
    >>> bytes(blob), starts.tolist(), lengths.tolist()
    (b'w1w2w3', [0, 2, 4], [2, 2, 2])
    """
    words = [f"w{k}".encode() for k in range(1, vocab + 1)]
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=vocab)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    return np.frombuffer(b"".join(words), dtype=np.uint8), starts, lengths


def zipf_cdf(vocab: int, exponent: float) -> np.ndarray:
    """The cumulative probabilities of ranks 1..vocab under p(k) ~ k^-exponent (float64).

    >>> zipf_cdf(3, 1.0).round(4).tolist()  # 1, 1/2, 1/3 over 11/6
    [0.5455, 0.8182, 1.0]
    """
    weights = np.arange(1, vocab + 1, dtype=np.float64) ** -exponent
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    cdf[-1] = 1.0
    return cdf


def draw_block(rng: np.random.Generator, cdf: np.ndarray, n: int, mean_sentence: float,
               left: int) -> tuple[np.ndarray, np.ndarray, int]:
    """``n`` token ranks (0-based) and a boolean "ends a sentence" per token. ``left`` is how
    many tokens the sentence running into this block still has (0: a new one starts); returns
    what the last sentence has left after this block, so sentences cross blocks seamlessly."""
    ranks = np.searchsorted(cdf, rng.random(n), side="right")
    np.minimum(ranks, len(cdf) - 1, out=ranks)  # u == 1.0 - tiny rounding: the last word
    ends = np.zeros(n, dtype=bool)
    lengths = []
    covered = left
    while covered < n:  # enough sentence lengths for the block (one draw per ~mean words)
        more = rng.geometric(1 / mean_sentence, size=max(16, int(n / mean_sentence) + 16))
        more = np.minimum(more, MAX_SENTENCE)
        lengths.append(more)
        covered += int(more.sum())
    cuts = np.cumsum(np.concatenate([[left], *lengths])) if lengths else np.array([left])
    inside = cuts[(cuts >= 1) & (cuts <= n)]
    ends[inside - 1] = True
    beyond = cuts[cuts > n]
    return ranks, ends, int(beyond[0] - n) if len(beyond) else 0


def block_bytes(table, ranks: np.ndarray, ends: np.ndarray) -> bytes:
    """The text of a block: each word followed by a space, or by a newline if it ends a
    sentence (a gather from the word table)."""
    blob, starts, lengths = table
    lens = lengths[ranks] + 1  # with the separator
    out_starts = np.concatenate(([0], np.cumsum(lens)[:-1]))
    total = int(lens.sum())
    # byte j of token i comes from blob[starts[rank_i] + j]; the separator goes after it
    offset = np.arange(total, dtype=np.int64) - np.repeat(out_starts, lens)
    source = np.repeat(starts[ranks], lens) + offset
    out = blob[np.minimum(source, len(blob) - 1)]
    sep_at = out_starts + lens - 1
    out[sep_at] = np.where(ends, ord("\n"), ord(" "))
    return out.tobytes()


def write_corpus(path: Path, vocab: int, tokens: int, seed: int, exponent: float = 1.0,
                 mean_sentence: float = 20.0) -> np.ndarray:
    """Write the corpus to ``path``; return each word's count (index k-1 for ``w{k}``)."""
    rng = np.random.default_rng(seed)
    cdf, table = zipf_cdf(vocab, exponent), word_table(vocab)
    counts = np.zeros(vocab, dtype=np.int64)
    left = 0
    with open(path, "wb") as f:
        for start in range(0, tokens, BLOCK_TOKENS):
            n = min(BLOCK_TOKENS, tokens - start)
            ranks, ends, left = draw_block(rng, cdf, n, mean_sentence, left)
            if start + n == tokens:
                ends[-1] = True  # the file ends with a newline
            counts += np.bincount(ranks, minlength=vocab)
            f.write(block_bytes(table, ranks, ends))
    return counts


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--vocab", type=int, default=1_000_000, help="word types (w1 .. wV)")
    ap.add_argument("--tokens", type=int, default=30_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--exponent", type=float, default=1.0, help="Zipf exponent s (p ~ k^-s)")
    ap.add_argument("--mean-sentence", type=float, default=20.0, help="mean words per line")
    ap.add_argument("-o", "--out", type=Path, required=True)
    args = ap.parse_args(argv)
    if args.vocab < 1 or args.tokens < 1 or args.exponent < 0 or args.mean_sentence < 1:
        sys.exit("error: --vocab and --tokens must be >= 1, --exponent >= 0, "
                 "--mean-sentence >= 1")
    counts = write_corpus(args.out, args.vocab, args.tokens, args.seed, args.exponent,
                          args.mean_sentence)
    print(f"wrote {args.out}: {args.tokens:,} tokens, {np.count_nonzero(counts):,} of "
          f"{args.vocab:,} words appear, {np.count_nonzero(counts >= 5):,} at least 5 times",
          file=sys.stderr)


if __name__ == "__main__":
    main()

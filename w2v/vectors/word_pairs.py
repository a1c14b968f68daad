"""Word-pair evaluation: Spearman's rho between human similarity scores and cosines, equal to
gensim's ``evaluate_word_pairs`` on three-column files (WordSim-353, SimLex-999, MEN), with
coverage, and optionally scoring unknown words through their n-grams.
"""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING

import numpy as np

from w2v.config import RESTRICT_VOCAB
from w2v.errors import VectorsError
from w2v.vectors.evalsets import folded_index, read_lines
from w2v.vectors.subword_vectors import oov_rows

if TYPE_CHECKING:
    from w2v.vectors.vectors import Vectors


def evaluate_word_pairs(
    vectors: Vectors, path, restrict_vocab: int = RESTRICT_VOCAB, case_insensitive=True,
    oov: str = "skip",
) -> dict:
    """Spearman's rho (and Pearson's r) between human scores and cosine similarities.

    Reads tab-separated lines whose first three fields are ``word1 word2 score``
    (WordSim-353, SimLex-999, MEN style); ``#`` comments and lines whose third field is not a
    number are skipped and counted in ``invalid_lines``. Equal to gensim's
    ``evaluate_word_pairs`` on three-column files: a pair with a word outside the
    ``restrict_vocab`` most frequent words is out-of-vocabulary and skipped, case folding as
    in ``evaluate_analogies``. Unlike gensim, extra columns are allowed and spaces around the
    words are stripped. ``oov_ratio`` is a fraction (gensim returns a percentage). When the
    human or the model scores are all equal the correlations are undefined: NaN, as gensim,
    with a ``notes`` entry saying which side is constant.

    ``oov="subwords"``, for vectors with n-gram rows (a fastText ``.bin``): a pair with a word
    outside the ``restrict_vocab`` words is scored with that word's vector from its spelling in
    the file (``SubwordRows.vector``) instead of skipped; ``from_ngrams`` counts those pairs,
    and a word with no n-gram is still out-of-vocabulary.
    """
    ngram_rows = oov_rows(vectors, oov)
    n = vectors.cutoff(restrict_vocab)
    _, first = folded_index(vectors, n, case_insensitive)
    gold, rows, skipped, invalid = [], [], 0, 0
    ngram_gold, ngram_model = [], []
    for item in _pair_lines(path, case_insensitive):
        if item is None:
            invalid += 1
            continue
        score, raw, (a, b) = item
        if a not in first or b not in first:
            cos = _ngram_cosine(vectors, raw, (a, b), first, ngram_rows)
            if cos is None:
                skipped += 1
                continue
            ngram_gold.append(score)
            ngram_model.append(cos)
            continue
        gold.append(score)
        rows.append((first[a], first[b]))
    from_ngrams = len(ngram_gold)
    gold += ngram_gold
    if len(gold) < 2:
        raise VectorsError(
            f"{path}: {len(gold)} word pairs are in the vocabulary, need at least two "
            f"({skipped} out of vocabulary, {invalid} lines not 'word1<TAB>word2<TAB>score')"
        )
    left, right = np.array(rows, dtype=np.int64).reshape(-1, 2).T
    model = np.concatenate([np.einsum("ij,ij->i", vectors.unit[left], vectors.unit[right]),
                            ngram_model])
    total = len(gold) + skipped
    notes: list[str] = []
    spearman, pearson = _correlations(np.array(gold), model, path, notes)
    return {
        "spearman": spearman,
        "pearson": pearson,
        "pairs": len(gold),
        "from_ngrams": from_ngrams,
        "oov_skipped": skipped,
        "oov_ratio": skipped / total,
        "coverage": len(gold) / total,
        "invalid_lines": invalid,
        "restrict_vocab": n,
        "case_insensitive": case_insensitive,
        "notes": notes,
    }


def _correlations(gold: np.ndarray, model: np.ndarray, path, notes: list) -> tuple:
    """Spearman's rho and Pearson's r. A correlation with a constant is undefined, so that
    case is NaN and a note up front (scipy would warn); any other scipy warning (a nearly
    constant input, say) becomes a note too."""
    from scipy import stats

    for name, scores in (("human scores", gold), ("model's similarities", model)):
        if np.ptp(scores) == 0:
            notes.append(f"{path}: the {name} of all {len(scores)} pairs are equal "
                         f"({float(scores[0]):g}): the correlation is undefined")
    if notes:
        return math.nan, math.nan
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = float(stats.spearmanr(gold, model)[0]), float(stats.pearsonr(gold, model)[0])
    notes += [f"{path}: {w.message}" for w in caught]
    return result


def _pair_lines(path, case_insensitive: bool):
    """Per line of a word-pair file: (score, the two words as written, the two folded), or None
    for a line whose third field is not a number; comments and blank lines are left out."""
    for line in read_lines(path):
        if line.startswith("#") or not line.strip():
            continue
        fields = line.rstrip("\r\n").split("\t")
        try:
            score = float(fields[2])
        except (IndexError, ValueError):
            yield None
            continue
        raw = fields[0].strip(), fields[1].strip()
        yield score, raw, (raw[0].upper(), raw[1].upper()) if case_insensitive else raw


def _ngram_cosine(vectors: Vectors, words, folded, first: dict, ngram_rows):
    """The cosine of a pair with a word outside the evaluated ones (its vector from its n-grams,
    as written in the file); None when the pair is skipped (no n-gram rows or no vector)."""
    if ngram_rows is None:
        return None
    units = [vectors.unit[first[key]] if key in first else ngram_rows.unit_vector(word)
             for word, key in zip(words, folded)]
    return None if any(u is None for u in units) else float(units[0] @ units[1])

"""Evaluation of Vectors: analogy accuracy (here) and word-pair correlation (``word_pairs.py``),
equal to gensim's numbers.

Both read the task file line by line, keep the ``restrict_vocab`` most frequent words, fold case
like gensim and word2vec.c's compute-accuracy, and report coverage next to the score. Analogy
questions are answered all at once, from the question words' cosines (``analogy_scan.py``).

Degenerate input is reported in the result's ``notes`` (plain sentences the CLI prints), not
as Python warnings, which reach users as ``file:line`` noise. ``answer_questions`` answers a
batch of ``a b c`` lines and counts what it skips, as evaluation does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from w2v.config import RESTRICT_VOCAB
from w2v.errors import VectorsError
from w2v.util.tables import format_skipped
from w2v.vectors.evalsets import folded_index, read_lines
from w2v.vectors.word_pairs import evaluate_word_pairs

if TYPE_CHECKING:
    from w2v.vectors.vectors import Vectors

SEMANTIC_SECTIONS = 5  # questions-words.txt: the first five sections are semantic
ANALOGY_CANDIDATES = 5  # evaluation looks at the top 5 answers, like gensim


def evaluate_analogies(
    vectors: Vectors, path, restrict_vocab: int = RESTRICT_VOCAB, case_insensitive=True
) -> dict:
    """Accuracy on a questions-words file (``: section`` lines, then ``a b c d`` lines).

    The numbers equal gensim's ``evaluate_word_analogies`` (and word2vec.c's
    compute-accuracy): only the ``restrict_vocab`` most frequent words count; a question
    with a word outside them is skipped as out-of-vocabulary; words are upper-cased when
    ``case_insensitive`` and a folded word uses its most frequent spelling; the prediction
    is the first of the 5 best 3CosAdd candidates for b - a + c (its three inputs left out)
    whose folded spelling is not an input. So a question whose answer is one of its inputs
    is always wrong. Lines that are not 4 words are ignored.

    Returns per-section and semantic (first 5 sections) / syntactic / total summaries
    ``{"section", "correct", "seen", "accuracy"}`` (accuracy None when nothing was seen,
    where gensim reports 0.0), and coverage: ``questions`` (valid lines), ``seen``,
    ``oov_skipped``, ``coverage`` = seen / questions, and the ``restrict_vocab`` cutoff.
    """
    n = vectors.cutoff(restrict_vocab)
    folded, first = folded_index(vectors, n, case_insensitive)
    names, questions, pending, invalid = [], 0, [], 0
    for lineno, line in enumerate(read_lines(path), start=1):
        if line.startswith(": "):
            names.append(line.lstrip(": ").strip())
            continue
        words = [w.upper() for w in line.split()] if case_insensitive else line.split()
        if len(words) != 4:
            invalid += bool(words)
            continue
        if not names:
            raise VectorsError(f"{path}:{lineno}: a question before any ': section' line")
        questions += 1
        if all(w in first for w in words):
            pending.append((len(names) - 1, *(first[w] for w in words[:3]), words))
    if questions == 0:
        raise VectorsError(
            f"{path} has no analogy questions (expected ': section' lines, then 'a b c d')"
        )
    correct = np.zeros(len(names), dtype=np.int64)
    seen = np.zeros(len(names), dtype=np.int64)
    for section, ok in zip([p[0] for p in pending], _answer(vectors, pending, n, folded)):
        seen[section] += 1
        correct[section] += ok

    def summary(name, rows):
        c, s = int(correct[rows].sum()), int(seen[rows].sum())
        return {"section": name, "correct": c, "seen": s, "accuracy": c / s if s else None}

    everything = slice(None)
    total_seen = int(seen.sum())
    return {
        "sections": [summary(name, [i]) for i, name in enumerate(names)],
        "semantic": summary("semantic", slice(0, SEMANTIC_SECTIONS)),
        "syntactic": summary("syntactic", slice(SEMANTIC_SECTIONS, None)),
        "total": summary("total", everything),
        "questions": questions,
        "seen": total_seen,
        "oov_skipped": questions - total_seen,
        "coverage": total_seen / questions if questions else None,
        "invalid_lines": invalid,
        "restrict_vocab": n,
        "case_insensitive": case_insensitive,
    }


def answer_questions(vectors: Vectors, lines, topn: int = 10, method: str = "add") -> dict:
    """Answer one ``a b c`` analogy per line, skipping what cannot be answered instead of
    stopping there: one typo in a long batch used to discard every answer after it. A line
    ``a b c d`` (questions-words.txt) also gives the expected answer d: its answer carries
    ``expected`` and ``hit`` (d is the top result), and the report ``hits`` of ``with_answer``
    such lines; ``: section`` lines are skipped.

    Blank lines are ignored; lines are numbered from 1, as in the file. A line whose words are
    not all in the vocabulary goes to ``skipped_oov`` with its ``unknown`` words, a line that
    is not three different words to ``malformed``; if nothing is left to answer, that is a
    VectorsError saying what was skipped. Returns ``{"questions", "answered",
    "answers": [{"line", "query", "results"}], "skipped_oov", "malformed"}``; each ``results``
    is ``Vectors.analogy``'s list of ``(word, score)``.
    """
    answers, oov, malformed, questions = [], [], [], 0
    for lineno, line in enumerate(lines, start=1):
        words = line.split()
        if not words or words[0].startswith(":"):  # blank, or a section of questions-words
            continue
        questions += 1
        words, expected = (words[:3], words[3]) if len(words) == 4 else (words, None)
        if len(words) != 3 or len({vectors.key(w) for w in words}) < 3:
            malformed.append({"line": lineno, "text": line.strip()})
            continue
        unknown = [w for w in words if w not in vectors]
        if unknown:
            oov.append({"line": lineno, "query": words, "unknown": unknown})
            continue
        results = vectors.analogy(*words, topn=topn, method=method)
        answer = {"line": lineno, "query": words, "results": results}
        if expected is not None:
            hit = bool(results) and vectors.key(results[0][0]) == vectors.key(expected)
            answer.update(expected=expected, hit=hit)
        answers.append(answer)
    report = {"questions": questions, "answered": len(answers), "answers": answers,
              "skipped_oov": oov, "malformed": malformed}
    expected = [a["hit"] for a in answers if "hit" in a]
    if expected:
        report["hits"], report["with_answer"] = sum(expected), len(expected)
    if not answers:
        raise VectorsError("; ".join(["no question could be answered", *format_skipped(report)])
                           if questions else "no questions: every line is blank")
    return report


def evaluate(vectors: Vectors, analogies, similarity, restrict_vocab: int = RESTRICT_VOCAB,
             case_insensitive=True, oov: str = "skip") -> dict:
    """``w2v evaluate``: ``analogies`` and ``similarity`` are [(label, path)] (see
    ``evalsets.choose``). Returns ``{"analogies": report or absent, "similarity": {label:
    report}}``; each word-pair report carries its notes (undefined correlations). ``oov`` is
    ``evaluate_word_pairs``'s (word pairs only)."""
    report = {}
    if analogies:
        report["analogies"] = evaluate_analogies(vectors, analogies[0][1], restrict_vocab,
                                                 case_insensitive)
    report["similarity"] = {label: evaluate_word_pairs(vectors, path, restrict_vocab,
                                                       case_insensitive, oov)
                            for label, path in similarity}
    return report


def _answer(vectors: Vectors, pending, n: int, folded: list[str]):
    """Yield, per question, whether 3CosAdd got it right: its best candidates come from one
    search for all questions (``analogy_scan.best_rows``: the question words' cosines with the
    n rows, computed once)."""
    from w2v.vectors.analogy_scan import best_rows  # numba: imported only to evaluate

    best = best_rows(vectors.unit[:n], [q[1:4] for q in pending], ANALOGY_CANDIDATES + 3)
    for row, q in zip(best.tolist(), pending):
        inputs, expected = {q[1], q[2], q[3]}, q[4][3]
        candidates = [i for i in row if i not in inputs]
        candidates = candidates[:ANALOGY_CANDIDATES]
        ignore = set(q[4][:3])
        predicted = next((folded[i] for i in candidates if folded[i] not in ignore),
                         folded[candidates[-1]] if candidates else None)
        yield predicted == expected



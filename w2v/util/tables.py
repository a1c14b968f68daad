"""Plain-text tables and JSON for the command line: ranked words and evaluation reports.

No numpy here: ``w2v --help`` and the table tests stay light.
"""

from __future__ import annotations

import json
import math

MAX_LISTED = 10  # skipped questions named in a text summary; --json lists them all


def to_json(data, indent=None) -> str:
    """``data`` as strict JSON, every NaN or infinity written as ``null``.

    Python's json writes bare ``NaN`` / ``Infinity``, which JSON (RFC 8259) does not have and
    strict parsers (jq, JavaScript's JSON.parse) reject; an undefined Spearman rho is NaN, for
    one. ``allow_nan=False`` turns any value this walk missed into an error, not invalid output.

    >>> to_json({"rho": float("nan"), "scores": [float("inf"), 0.5]})
    '{"rho": null, "scores": [null, 0.5]}'
    """
    return json.dumps(_finite(data), indent=indent, allow_nan=False)


def _finite(x):
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_finite(v) for v in x]
    return x


def format_table(rows, headers, right=()) -> str:
    """Aligned plain-text columns with a dashed rule under ``headers``; the columns whose index
    is in ``right`` are right-aligned (numbers).

    >>> print(format_table([(1, "queen", "0.8123")], ["#", "word", "score"], right=(0, 2)))
    #  word    score
    -  -----  ------
    1  queen  0.8123
    """
    cells = [[str(c) for c in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(r):
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(r, widths))).rstrip()

    return "\n".join([line(cells[0]), "  ".join("-" * w for w in widths)]
                     + [line(r) for r in cells[1:]])


def format_ranked(results) -> str:
    """``most_similar`` / ``analogy`` / ``similar`` results as a '#  word  score' table."""
    rows = [(i, w, f"{s:.4f}") for i, (w, s) in enumerate(results, start=1)]
    return format_table(rows, ["#", "word", "score"], right=(0, 2))


def ranked_records(results) -> list[dict]:
    """``[(word, score), ...]`` as JSON records, scores to 6 decimals (float32 cosines carry
    about 7 significant digits)."""
    return [{"word": w, "score": round(s, 6)} for w, s in results]


def _percent(x) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.1f}%"


def format_analogy_report(report: dict) -> str:
    """The ``evaluate_analogies`` result: one row per section, then semantic, syntactic and
    total, then a coverage line."""
    summaries = [*report["sections"], report["semantic"], report["syntactic"], report["total"]]
    rows = [(s["section"], _percent(s["accuracy"]), f"{s['correct']}/{s['seen']}")
            for s in summaries]
    table = format_table(rows, ["section", "accuracy", "correct/seen"], right=(1, 2))
    return (f"{table}\ncoverage: {report['seen']}/{report['questions']} questions "
            f"({report['oov_skipped']} skipped as out of vocabulary), "
            f"vocabulary cutoff {report['restrict_vocab']:,} words")


def _coefficient(x) -> str:
    """A correlation, or 'undefined' where it is NaN (constant scores; the notes say why)."""
    return "undefined" if x is None or math.isnan(x) else f"{x:.4f}"


def format_pairs_report(path, report: dict) -> str:
    """One line for an ``evaluate_word_pairs`` result."""
    total = report["pairs"] + report["oov_skipped"]
    return (f"{path}: Spearman rho {_coefficient(report['spearman'])}, "
            f"Pearson r {_coefficient(report['pearson'])}, "
            f"{report['pairs']}/{total} pairs ({_percent(report['oov_ratio'])} out of vocabulary"
            + (f"; {report['from_ngrams']} scored through n-grams" if report.get("from_ngrams")
               else "") + ")")


def format_evaluation(report: dict) -> str:
    """``evaluate.evaluate``'s report: the analogy table, then one line per word-pair file."""
    lines = [format_analogy_report(report["analogies"])] if "analogies" in report else []
    lines += [format_pairs_report(label, r) for label, r in report["similarity"].items()]
    return "\n".join(lines)


def format_skipped(report: dict) -> list[str]:
    """The lines that end an ``answer_questions`` batch: what was skipped and where, so a
    batch with a typo is answered rather than aborted, and the typo is still found."""

    def listed(items):
        more = len(items) - MAX_LISTED
        return ", ".join(items[:MAX_LISTED]) + (f" and {more} more" if more > 0 else "")

    lines = []
    oov, bad = report["skipped_oov"], report["malformed"]
    if oov:
        where = [f"{' '.join(q['unknown'])} (line {q['line']})" for q in oov]
        lines.append(f"skipped {_plural(len(oov), 'question')} with out-of-vocabulary words: "
                     f"{listed(where)}")
    if bad:
        lines.append(f"skipped {_plural(len(bad), 'malformed line')} (not three different "
                     f"words): {listed([str(q['line']) for q in bad])}")
    return lines


def format_answers(report: dict) -> str:
    """An ``answer_questions`` batch: each question and its table, then what was skipped."""
    blocks = ["{} - {} + {} = ?".format(*a["query"]) + _verdict(a) + "\n"
              + format_ranked(a["results"]) for a in report["answers"]]
    total = ([f"hits: {report['hits']} of {report['with_answer']} questions with an expected "
              "answer (the top result)"] if "hits" in report else [])
    return "\n".join(blocks + total + format_skipped(report))


def _verdict(answer: dict) -> str:
    """`` hit (queen)`` or `` miss (expected queen)`` for a question with its answer."""
    if "hit" not in answer:
        return ""
    return f"  hit ({answer['expected']})" if answer["hit"] else \
        f"  miss (expected {answer['expected']})"


def answers_record(report: dict) -> dict:
    """An ``answer_questions`` batch for JSON: results as ``{"word", "score"}`` records."""
    answers = [{**a, "results": ranked_records(a["results"])} for a in report["answers"]]
    return {**report, "answers": answers}


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"

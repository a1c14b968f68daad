"""Plain-text tables for the command line: ranked words and evaluation reports.

No numpy here: ``w2v --help`` and the table tests stay light.
"""

from __future__ import annotations

import math


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


def format_pairs_report(path, report: dict) -> str:
    """One line for an ``evaluate_word_pairs`` result."""
    total = report["pairs"] + report["oov_skipped"]
    return (f"{path}: Spearman rho {report['spearman']:.4f}, Pearson r {report['pearson']:.4f}, "
            f"{report['pairs']}/{total} pairs ({_percent(report['oov_ratio'])} out of vocabulary)")

"""What each command does between the options Click parsed and the lines it prints: check the
combination of options, load the vectors, call the library, and build a ``Reply``.

No Click here, and no flag is spelled: a bad combination of options is a ``UsageError`` whose
message names the options as ``{=key}``, and a reply's notes may do the same; the ``cli`` package
renders both with its flags. ``train`` is not here: its progress is drawn live from the
session's events (``progress.py``).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from w2v.errors import UsageError, VectorsError
from w2v.run.rundir import RunDir, default_run, latest_run
from w2v.util.tables import to_json


@dataclass
class Reply:
    """``out`` for stdout (the result), ``notes`` for stderr (unless quiet), and ``error``
    when the command failed after printing ``out`` (a failed gradient check)."""

    out: str = ""
    notes: list[str] = field(default_factory=list)
    error: str | None = None


def _source(path, notes: list) -> Path:
    """``path``, or the newest run under runs/ (with a note saying which)."""
    if path is None:
        path = latest_run("runs")
        notes.append(f"using the latest run: {path}")
    return Path(path)


VECTOR_SUFFIXES = (".npy", ".bin", ".txt", ".vec", ".gz", ".tsv")


def looks_like_run(arg: str) -> bool:
    """Whether a first argument is the vectors rather than a query word: it holds a path
    separator, or names a folder or a vectors file (``runs/demo``, ``vectors.bin``)."""
    path = Path(arg)
    return ("/" in arg or os.sep in arg or path.is_dir()
            or (path.is_file() and path.suffix.lower() in VECTOR_SUFFIXES))


def split_run(vectors_path, words) -> tuple:
    """``(vectors, query words)``: without {=vectors}, a first argument that looks like a path
    (``looks_like_run``) is the vectors, so ``w2v similar runs/x king`` queries runs/x."""
    if vectors_path is None and words and looks_like_run(words[0]):
        return Path(words[0]), tuple(words[1:])
    return vectors_path, tuple(words)


def pick_run(run, vectors_path):
    """The vectors given as the first argument or as {=vectors} (not both)."""
    if run is not None and vectors_path is not None:
        raise UsageError(f"give the vectors once: {run} or {{=vectors}} {vectors_path}")
    return run if run is not None else vectors_path


def word_list(values) -> list[str] | None:
    """The words of {=words}: each value is a file of whitespace-separated words (``-``:
    standard input) or words separated by commas; None when none are given."""
    if not values:
        return None
    words = []
    for value in values:
        if value == "-":
            words += sys.stdin.read().split()
        elif Path(value).is_file():
            words += Path(value).read_text(encoding="utf-8", errors="replace").split()
        elif Path(value).suffix.lower() in (".txt", ".tsv") and "," not in value:
            raise UsageError(f"{{=words}} {value}: no such file (words are separated by commas)")
        else:
            words += [w for part in value.split(",") for w in part.split()]
    return words


def _load(path, notes: list):
    """The vectors at ``path`` or the newest run's (a lowercased run lowercases queries)."""
    from w2v.vectors.vectors import Vectors

    return Vectors.load(_source(path, notes))


def _ranked(results, as_json: bool, query, notes) -> Reply:
    from w2v.prompt import ranked_block

    return Reply(ranked_block(results, as_json, query), notes)


def query_prompt(kind: str, vectors_path, method, topn, as_json) -> tuple[Reply, object]:
    """For ``similar`` or ``analogy`` ("kind") given no words: the notes of loading the vectors
    (once) and the ``answer(words)`` that ``prompt.serve`` calls for each line."""
    from w2v.prompt import answerer

    notes = []
    vectors = _load(vectors_path, notes)
    return Reply(notes=notes), answerer(kind, vectors, method, topn, as_json)


def demo(out, tokens, seed, force) -> Reply:
    from w2v.demo import write

    write(out, n_tokens=tokens, seed=seed, overwrite=force)
    return Reply(notes=[f"wrote the demo corpus to {out}"])


def train_folder(corpus, out, resume: bool, force: bool, init=None) -> Path:
    """The run folder of ``w2v train``, once the options agree with each other."""
    if resume and force:
        raise UsageError("{=resume} continues a run and {=force} replaces it: pick one")
    if resume and init:
        raise UsageError("{=init} starts a new run from another: it does not go with {=resume}")
    if not corpus and not resume:
        raise UsageError("give the corpus: one or more text files, or - for stdin")
    if out is None and not corpus:
        raise UsageError("{=resume} needs the run folder: {=out} RUN")
    out = Path(out) if out is not None else default_run(corpus[0])
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder; give {{=out}} a folder")
    return out


def train(corpus, config_file, out, resume, force, options: dict, quiet: bool,
          init=None, corpus_option=(), flag=str) -> Reply:
    """Train, drawing the session's events as they come (``progress.Renderer``); ``init``: the
    run to start from (continued training); ``corpus_option``: the corpus of a resumed run
    given by option rather than as arguments (either, not both); ``flag`` names a setting in
    the session's notes and warnings."""
    if corpus_option and corpus:
        raise UsageError("give the corpus as arguments or with {=corpus}, not both")
    if corpus_option and not resume:
        raise UsageError("{=corpus} is for {=resume}: a new run takes its corpus as arguments")
    corpus = tuple(corpus) or tuple(corpus_option)
    from w2v import __version__
    from w2v.progress import Renderer
    from w2v.settings import explicit_settings, load_toml
    from w2v.training.session import run

    out = train_folder(corpus, out, resume, force, init)
    settings = explicit_settings(load_toml(config_file) if config_file else None, options)
    with Renderer(quiet=quiet, version=__version__, corpus=corpus, out=out,
                  flag=flag) as renderer:
        written = run(settings, corpus, out, resume=resume, force=force, init=init,
                      on_event=renderer)
    return Reply(f"vectors written to {', '.join(written)}" if written and not quiet else "")


def gradcheck(tol: float, seed: int, as_json: bool) -> Reply:
    from w2v.objectives.gradcheck import format_table, run_gradcheck

    if not 0 < tol < float("inf"):  # NaN or negative: every check fails; inf: all pass
        raise UsageError(f"{{=tol}} must be a positive finite number, got {tol}")
    rows = run_gradcheck(seed=seed, tol=tol)
    failed = sum(not r.passed for r in rows)
    out = to_json([vars(r) for r in rows]) if as_json else format_table(rows) + (
        "" if failed else f"\nall {len(rows)} checks passed (tol {tol:g})")
    error = f"{failed} of {len(rows)} gradient checks failed (tol {tol:g})" if failed else None
    return Reply(out, error=error)


def analogy(words, vectors_path, topn, method, questions, as_json) -> Reply:
    if (questions is None) == (len(words) != 3) or (questions is not None and words):
        raise UsageError("give three words A B C (for A - B + C), {=questions} FILE, or no "
                         "words for a prompt")
    notes = []
    vectors = _load(vectors_path, notes)
    if questions is None:
        results = vectors.analogy(*words, topn=topn, method=method)
        return _ranked(results, as_json, words, notes + _ngram_notes(vectors, words))
    from w2v.util.tables import answers_record, format_answers
    from w2v.vectors.evaluate import answer_questions

    report = answer_questions(vectors, questions, topn, method)
    return Reply(to_json(answers_record(report)) if as_json else format_answers(report), notes)


def similar(words, minus, method, vectors_path, topn, as_json) -> Reply:
    notes = []
    vectors = _load(vectors_path, notes)
    results = vectors.most_similar(words, minus, topn=topn, method=method)
    query = {"positive": list(words), "negative": list(minus), "method": method}
    return _ranked(results, as_json, query, notes + _ngram_notes(vectors, [*words, *minus]))


def _ngram_notes(vectors, words) -> list[str]:
    """Say which query words got the mean of their n-gram rows (not in the vocabulary)."""
    return [f"note: {n}" for n in vectors.ngram_notes(words)]


def evaluate(vectors_path, analogies, similarity, restrict_vocab, case_sensitive,
             as_json, oov: str = "skip") -> Reply:
    from w2v.util.tables import format_evaluation
    from w2v.vectors.evalsets import choose
    from w2v.vectors.evaluate import evaluate as run_evaluation

    notes = [] if analogies or similarity else [
        "using the built-in sets google (analogies) and wordsim353 (similarity)"]
    analogies, similarity = choose(analogies, similarity)
    report = run_evaluation(_load(vectors_path, notes), analogies, similarity, restrict_vocab,
                            not case_sensitive, oov)
    notes += [f"note: {n}" for r in report["similarity"].values() for n in r["notes"]]
    return Reply(to_json(report, indent=1) if as_json else format_evaluation(report), notes)


def info(run_path, as_json) -> Reply:
    from w2v.run.info import format_info, run_info

    report = run_info(run_path)
    if as_json:
        return Reply(to_json(report, indent=1))
    resume = f"w2v train {{=out}} {run_path} {{=resume}}"
    if report["damage"]:
        return Reply(format_info(report), [f"warning: damaged files; recover with: {resume}"])
    return Reply(format_info(report), [f"continue with: {resume}"] if report["resumable"] else [])


def export(source, fmt, out, words, most_frequent, force, stream=None) -> Reply:
    """``stream``: where ``out`` ``-`` writes (the binary standard output); the summary then
    goes to stderr, so that the output stays only vectors."""
    from w2v.vectors.export import STDOUT, export_vectors

    words = word_list(words)
    if words and most_frequent:
        raise UsageError("give {=words} or {=most_frequent} N, not both")
    done = export_vectors(source, fmt, out, words=words, top=most_frequent, force=force,
                          stream=stream)
    notes = [f"warning: not in the vocabulary, skipped: {' '.join(done['missing'])}"] \
        if done["missing"] else []
    notes += [f"note: {n}" for n in done["notes"]]  # a fastText .bin's n-gram rows stay behind
    text = f"wrote {done['rows']:,} vectors ({done['dim']}-d): {', '.join(done['paths'])}"
    return Reply(notes=notes + [text]) if str(out) == STDOUT else Reply(text, notes)


def plot(vectors_path, words, clusters, loss_run, output, seed, as_html, most_frequent,
         tsne, force=False) -> Reply:
    from w2v.vectors import html
    from w2v.vectors import plot as plots

    if loss_run is not None:
        output = output or RunDir(loss_run).plot("loss.png")
        _check_output(output, force)
        plots.plot_loss(loss_run, output)  # reads state.json defensively: one line if damaged
        return Reply(f"wrote {output}")
    html_out = output is not None and output.suffix.lower() in html.SUFFIXES
    if not as_html and (most_frequent or tsne or html_out):
        raise UsageError("{=most_frequent}, {=tsne} and an .html output need {=html}")
    notes = []
    source = _source(vectors_path, notes)
    folder = source if source.is_dir() else source.parent
    output = output or folder / ("words.html" if as_html else "words.png")
    _check_output(output, force)
    vectors, words = _load(source, notes), word_list(words)
    if as_html:
        done = html.write_page(vectors, words, most_frequent, output, seed=seed,
                               clusters=clusters, tsne=tsne, name=source.name)
    else:
        done = plots.plot_words(vectors, plots.DEFAULT_WORDS if words is None else words,
                                output, clusters=clusters, seed=seed)
    return Reply("\n".join(done["summary"]), notes + [f"note: {n}" for n in done["notes"]])


def _check_output(path: Path, force: bool) -> None:
    """As export and demo: an existing file is replaced only with {=force}."""
    if Path(path).exists() and not force:
        raise VectorsError(f"{path} exists; add {{=force}} to replace it")


def classes(source, k, out, seed, force) -> Reply:
    from w2v.util.atomic import atomic_write
    from w2v.vectors.classes import format_classes, word_classes

    if out is not None:
        _check_output(out, force)
    notes = []
    vectors = _load(source, notes)
    text = format_classes(vectors.words, word_classes(vectors.unit, k, seed))
    if out is None:
        return Reply(text.rstrip("\n"), notes)
    with atomic_write(out, "w", encoding="utf-8") as f:
        f.write(text)
    return Reply(notes=notes + [f"wrote {len(vectors):,} words in {k} classes to {out}"])

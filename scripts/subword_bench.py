#!/usr/bin/env python3
"""Subword vectors (issue 22) against fastText 0.9 and gensim 4.4 FastText: speed and quality.

    python scripts/subword_bench.py runs --corpus ../shared/data/wiki/wiki-17m.txt.gz \\
        --epochs 5 --repeats 3 --remove 500 --rw /path/to/rw.txt --keep /work/tmp/subbench/keep \\
        --results /work/tmp/subbench/results.jsonl
    python scripts/subword_bench.py table --results /work/tmp/subbench/results.jsonl \\
        --keep /work/tmp/subbench/keep --rw /path/to/rw.txt

``runs`` trains every tool in its own process, tools alternating within each repeat (each
repeat starts one tool later) and architectures interleaved, so that the shared machine's slow
spells hit all of them. One JSON line per run is appended to ``--results`` as it finishes, so
partial results survive an interruption. Each line holds the wall time, the child's CPU time
(user + sys) and peak RSS (``os.wait4``: the steadier figures on a shared machine), and the
training seconds: w2v's "trained ... in Xs" line, gensim's ``train()`` call, fastText's
``train_unsupervised`` call (which includes its own vocabulary pass: fastText has no separate
one). Training words/s = the corpus's tokens x epochs / training seconds; words per CPU
second = the same tokens / the whole process's CPU time, the steadier rate on a busy machine.
With ``--remove N`` every tool trains on the corpus without N words of count 20-200
(scripts/subword_oov.py) and the table adds the out-of-vocabulary check.

The peers run through scripts/subword_jobs.py, w2v as ``python -m w2v train --subwords`` of
this checkout (``--w2v-tree`` for another one). With ``--keep DIR`` the first repeat's vectors
of each tool (``vectors.bin``, every vocabulary word with its n-grams folded in, and
``queries.vec``, each tool's own vectors for the WS353 and RW words and the removed words,
unknown ones through their n-grams) stay in DIR/<tool>-<arch>; ``table`` scores them all with
the same code (scripts/subword_quality.py). Settings: subword_jobs.SETTINGS, for every tool.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench  # noqa: E402
import subword_jobs  # noqa: E402
import subword_oov  # noqa: E402
import subword_quality  # noqa: E402
from whole_run_bench import DEFAULT_DATA, rotated  # noqa: E402

TOOLS = ("w2v", "fasttext", "gensim")
LR = {"sg": 0.025, "cbow": 0.05}  # word2vec.c's and w2v's defaults, given to every tool
TARGET = 3.0  # issue 22: w2v's training words/s at least 3x each peer's


def run_child(cmd: list[str], out: Path, env=None, cwd=None) -> dict:
    """Run ``cmd`` with its output in ``out``/{stdout,stderr}; wall, CPU and peak RSS of it."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "stdout", "w") as o, open(out / "stderr", "w") as e:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=o, stderr=e, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status):
        tail = (out / "stderr").read_text(errors="replace")[-1500:]
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{tail}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
            "rss_mb": usage.ru_maxrss / 1024}


def w2v_env(tree: Path) -> dict:
    """The environment of a w2v child: ``python -m w2v`` imports ``tree``'s w2v (the child
    also runs in ``tree``, as ``-m`` puts the working folder first on the path)."""
    return {**os.environ, "PYTHONPATH": str(tree)}


def w2v_cmd(corpus: Path, run: Path, arch: str, epochs: int) -> list[str]:
    s = subword_jobs.SETTINGS
    return [sys.executable, "-m", "w2v", "train", str(corpus), "--subwords",
            "--minn", str(s["minn"]), "--maxn", str(s["maxn"]), "--buckets", str(s["buckets"]),
            "--arch", arch, "--loss", "ns", "--dim", str(s["dim"]), "--window", str(s["window"]),
            "--negative", str(s["negative"]), "--ns-exponent", str(s["ns_exponent"]),
            "--sample", str(s["sample"]),
            "--min-count", str(s["min_count"]), "--epochs", str(epochs),
            "--threads", str(s["threads"]), "--lr", str(LR[arch]), "--seed", "1",
            "--checkpoint-every", "1000h", "--force", "--out", str(run)]


def run_w2v(args, corpus, out, arch, queries) -> dict:
    run = out / "run"
    r = run_child(w2v_cmd(corpus, run, arch, args.epochs), out, w2v_env(args.w2v_tree),
                  args.w2v_tree)
    log = (out / "stdout").read_text() + (out / "stderr").read_text()
    m = re.search(r"trained [\d,]+ words in ([\d.]+)s", log)
    r["train_seconds"] = float(m.group(1)) if m else r["wall"]
    shutil.copyfile(run / "vectors.bin", out / "vectors.bin")
    if queries:  # not timed: the queries come from w2v's API on the run folder
        subprocess.run([sys.executable, str(HERE / "subword_quality.py"), "w2v-queries",
                        str(run), str(queries), str(out / "queries.vec")],
                       check=True, env=w2v_env(args.w2v_tree), cwd=args.w2v_tree)
    shutil.rmtree(run)
    return r


def run_peer(tool, args, corpus, out, arch, queries) -> dict:
    cmd = [sys.executable, str(HERE / "subword_jobs.py"), tool, str(corpus), str(out),
           "--arch", arch, "--epochs", str(args.epochs), "--lr", str(LR[arch])]
    if queries:
        cmd += ["--queries", str(queries)]
    r = run_child(cmd, out)
    r.update(json.loads((out / "result.json").read_text()))
    rates = re.findall(r"words/sec/thread:\s*(\d+)", (out / "stderr").read_text())
    if rates:
        r["fasttext_words_per_s_per_thread"] = int(rates[-1])
    return r


def warm_w2v(args, corpus, work) -> None:
    """A short w2v run per architecture first, so that no timed run pays for compilation."""
    warm = bench.warm_corpus(corpus, work)
    for arch in args.archs:
        cmd = w2v_cmd(warm, work / "warm" / "run", arch, 1)
        cmd[cmd.index("--buckets") + 1] = "1000"
        run_child(cmd, work / "warm", w2v_env(args.w2v_tree), args.w2v_tree)


def eval_words(data: Path, rw: Path | None) -> set[str]:
    """The words of the analogy and word-pair sets (lowercased), which are never removed."""
    words = set(subword_quality.query_words(data, rw))
    for line in (data / "eval" / "questions-words.txt").read_text().splitlines():
        if not line.startswith(":"):
            words.update(line.split())
    return {w.lower() for w in words}


def reduced_corpus(args, corpus: Path) -> tuple[Path, list[str]]:
    """The corpus without ``--remove`` words of count 20-200 (subword_oov), made once in
    ``--work``; the evaluation sets' words are never picked, so the quality table's pairs and
    questions stay as they are."""
    counts = subword_oov.count_words(corpus)
    for word in eval_words(args.data, args.rw):
        counts.pop(word, None)
    removed = subword_oov.pick_words(counts, args.remove, 20, 200, args.remove_seed)
    out = args.work / f"{corpus.stem}-minus{args.remove}-seed{args.remove_seed}.txt"
    if not out.is_file():
        dropped = subword_oov.reduce_corpus(corpus, set(removed), out.with_suffix(".part"))
        out.with_suffix(".part").rename(out)
        print(f"# removed {len(removed)} words ({dropped:,} tokens) into {out}", flush=True)
    return out, removed


def runs(args) -> None:
    work = args.work / "runs"
    work.mkdir(parents=True, exist_ok=True)
    corpus = bench.plain_text(args.corpus, args.work)
    removed = []
    if args.remove:
        corpus, removed = reduced_corpus(args, corpus)
    tokens = bench.count_tokens(corpus)
    queries = None
    if args.keep:
        queries = args.work / "queries.txt"
        words = subword_quality.query_words(args.data, args.rw) + removed
        queries.write_text("\n".join(words) + "\n")
        args.keep.mkdir(parents=True, exist_ok=True)
        (args.keep / "removed.txt").write_text("".join(w + "\n" for w in removed))
    if "w2v" in args.tools:
        warm_w2v(args, corpus, work)
    print(f"# {corpus.name}: {tokens:,} tokens, {args.epochs} epochs, tools {args.tools}, "
          f"archs {args.archs}, load {os.getloadavg()[0]:.1f}", flush=True)
    for rep in range(args.repeats):
        for arch in args.archs:
            for tool in rotated(list(args.tools), rep):
                out = work / f"{tool}-{arch}-{rep}"
                shutil.rmtree(out, ignore_errors=True)
                q = queries if rep == 0 else None
                load = os.getloadavg()[0]
                r = (run_w2v(args, corpus, out, arch, q) if tool == "w2v"
                     else run_peer(tool, args, corpus, out, arch, q))
                r.update(tool=tool, arch=arch, rep=rep, epochs=args.epochs, tokens=tokens,
                         batch=args.batch, load_before=load,
                         words_per_s=tokens * args.epochs / r["train_seconds"])
                with open(args.results, "a") as f:
                    f.write(json.dumps(r) + "\n")
                print(f"  rep {rep} {arch} {tool}: {r['words_per_s']:,.0f} words/s, "
                      f"{r['wall']:.0f}s wall, {r['cpu']:.0f}s cpu, {r['rss_mb']:.0f} MB",
                      flush=True)
                if args.keep and rep == 0:
                    keep = args.keep / f"{tool}-{arch}"
                    keep.mkdir(parents=True, exist_ok=True)
                    for name in ("vectors.bin", "queries.vec"):
                        shutil.move(out / name, keep / name)
                shutil.rmtree(out, ignore_errors=True)


def speed_table(lines, batch) -> None:
    """Medians per tool and architecture. Two rates: training words/s (wall clock, the
    issue's measure) and words per CPU second of the whole process (vocabulary, training and
    writing, user + sys of all threads), which a loaded machine disturbs far less."""
    rows = [r for r in lines if batch is None or r["batch"] == batch]
    for r in rows:
        r["words_per_cpu_s"] = r["tokens"] * r["epochs"] / r["cpu"]
    print("| arch | tool | runs | epochs | train words/s (wall, median) | min-max | words per "
          "CPU s (median) | min-max | wall s | CPU s | peak RSS MB | w2v / tool: words/s, "
          "words per CPU s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for arch in ("sg", "cbow"):
        runs = {t: [r for r in rows if r["arch"] == arch and r["tool"] == t] for t in TOOLS}
        med = {t: (statistics.median(r["words_per_s"] for r in rs),
                   statistics.median(r["words_per_cpu_s"] for r in rs))
               for t, rs in runs.items() if rs}
        for tool, (wps, wpc) in med.items():
            rs = runs[tool]
            ratio = ""
            if "w2v" in med and tool != "w2v":
                ratio = f"{med['w2v'][0] / wps:.2f}x, {med['w2v'][1] / wpc:.2f}x"
            print(f"| {arch} | {tool} | {len(rs)} | {rs[0]['epochs']} | {wps:,.0f} | "
                  f"{min(r['words_per_s'] for r in rs):,.0f}-"
                  f"{max(r['words_per_s'] for r in rs):,.0f} | {wpc:,.0f} | "
                  f"{min(r['words_per_cpu_s'] for r in rs):,.0f}-"
                  f"{max(r['words_per_cpu_s'] for r in rs):,.0f} | "
                  f"{statistics.median(r['wall'] for r in rs):.0f} | "
                  f"{statistics.median(r['cpu'] for r in rs):.0f} | "
                  f"{statistics.median(r['rss_mb'] for r in rs):.0f} | {ratio} |")
    print(f"\n(issue 22's target: w2v / tool >= {TARGET:g}x)")


def table(args) -> None:
    lines = [json.loads(x) for x in args.results.read_text().splitlines() if x.strip()]
    speed_table(lines, args.batch)
    if args.keep:
        print()
        subword_quality.quality_table(args.keep, args.data, args.rw)
        removed = (args.keep / "removed.txt").read_text().split()
        if removed:
            print()
            oov_table(args.keep, removed)


def oov_table(keep: Path, removed: list[str]) -> None:
    """Hit rates of the out-of-vocabulary check (subword_oov) for each kept tool."""
    from gensim.models import KeyedVectors

    print("| arch | tool | removed words with a vector | hits (an inflection in the top 10) "
          "| hit rate | words with an inflection in the vocabulary | examples |")
    print("|---|---|---|---|---|---|---|")
    for arch in ("sg", "cbow"):
        for tool in TOOLS:
            folder = keep / f"{tool}-{arch}"
            if not (folder / "queries.vec").is_file():
                continue
            kv = KeyedVectors.load_word2vec_format(str(folder / "vectors.bin"), binary=True)
            h = subword_oov.hit_rate(kv.index_to_key, kv.vectors,
                                     subword_quality.read_vec(folder / "queries.vec"), removed)
            examples = "; ".join(f"{w}: {', '.join(near[:3])}" for w, _, near in h["examples"])
            leaked = f" ({h['leaked']} still in the vocabulary!)" if h["leaked"] else ""
            print(f"| {arch} | {tool} | {h['asked']}/{h['removed']}{leaked} | {h['hits']} | "
                  f"{100 * h['hits'] / max(h['asked'], 1):.1f}% | {h['reachable']} | "
                  f"{examples} |")


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("runs", help="train the tools, one JSON line per run")
    r.add_argument("--corpus", type=Path, default=DEFAULT_DATA / "wiki" / "wiki-17m.txt.gz")
    r.add_argument("--epochs", type=int, default=5)
    r.add_argument("--repeats", type=int, default=3)
    r.add_argument("--archs", nargs="+", default=["sg", "cbow"], choices=["sg", "cbow"])
    r.add_argument("--tools", nargs="+", default=list(TOOLS), choices=TOOLS)
    r.add_argument("--work", type=Path, default=Path("/work/tmp/subbench"),
                   help="scratch folder outside the repository (plain corpus, runs)")
    r.add_argument("--w2v-tree", type=Path, default=HERE.parent,
                   help="the w2v checkout to run (default: this one)")
    r.add_argument("--batch", default="", help="a label stored with each line")
    r.add_argument("--remove", type=int, default=0, help="train on the corpus without this "
                   "many words of count 20-200 (the out-of-vocabulary check; 0: none)")
    r.add_argument("--remove-seed", type=int, default=22, help="seed of the removed words")
    t = sub.add_parser("table", help="markdown tables from a results file")
    t.add_argument("--batch", default=None, help="only the lines with this label")
    for p in (r, t):
        p.add_argument("--results", type=Path, required=True, help="JSON lines file")
        p.add_argument("--keep", type=Path, help="folder of the first repeat's vectors")
        p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with eval/")
        p.add_argument("--rw", type=Path, help="Stanford Rare Words rw.txt")
    return ap.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    for path in (args.data / "eval" / "questions-words.txt",
                 args.data / "eval" / "wordsim353.tsv", args.rw):
        if path is not None and not path.is_file():
            sys.exit(f"subword_bench.py: {path} not found (see --data and --rw)")
    for name in ("work", "w2v_tree", "results", "keep", "corpus"):
        if getattr(args, name, None) is not None:  # children run in other folders
            setattr(args, name, getattr(args, name).resolve())
    if args.command == "runs":
        root = HERE.parent.resolve()
        if root == args.work.resolve() or root in args.work.resolve().parents:
            sys.exit(f"subword_bench.py: --work {args.work} is inside the repository")
        runs(args)
    else:
        table(args)


if __name__ == "__main__":
    main()

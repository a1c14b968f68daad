"""Distributed training measured on one machine: the tables of docs/distributed.md.

    python scripts/mpi_bench.py headline   # wiki-17m: mpiexec -n 2 --threads 1 vs 1 process x 2
    python scripts/mpi_bench.py ranks      # N = 1, 2, 4, 8 ranks (1 thread each), both corpora
    python scripts/mpi_bench.py periods    # the sync period at N = 8 on wiki-1.5m and wiki-17m
    python scripts/mpi_bench.py variants   # how rows are combined, tier growth (wiki-1.5m)
    python scripts/mpi_bench.py model --per-core 700000   # the cost model for a cluster

Each row is one training run into ``--out`` (default ``bench-runs/``), then ``w2v evaluate`` on
questions-words.txt and WordSim-353. Wall time is the whole command (start-up, counting,
training, export); words/s and the Allreduce time come from the run's ``state.json`` (rank 0's
figures). Ranks beyond the cores are oversubscribed, which slows them but does not change what
they compute: the quality columns are those of a real cluster with as many ranks; the speed
columns are not. Other jobs sharing the machine disturb the speed columns, never the quality
ones (one thread per rank is deterministic).

Runs that need sync settings the command line does not have (the mode, the growth) re-invoke
this script under mpiexec (``_rank``), which calls the library with those settings.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def mpiexec() -> str:
    """The venv's mpiexec (the mpich wheel's), else the one on PATH."""
    found = shutil.which("mpiexec", path=str(Path(sys.executable).parent)) or \
        shutil.which("mpiexec")
    return found or sys.exit("mpiexec not found: pip install 'w2v[mpi]'")


def train_command(spec: dict, corpus: Path, out: Path) -> list[str]:
    settings = {"epochs": spec["epochs"], "dim": spec["dim"], "threads": spec["threads"],
                **spec.get("config", {})}
    if spec["ranks"] > 1 and spec.get("plan"):
        cfg = json.dumps(settings)
        return [mpiexec(), "-n", str(spec["ranks"]), sys.executable, __file__, "_rank",
                str(corpus), str(out), cfg, json.dumps(spec["plan"])]
    flags = [a for k, v in settings.items() for a in (f"--{k.replace('_', '-')}", str(v))]
    base = [sys.executable, "-m", "w2v", "train", str(corpus), "--out", str(out), "--force",
            "-q", *flags]
    return [mpiexec(), "-n", str(spec["ranks"]), *base] if spec["ranks"] > 1 else base


def evaluate(out: Path, data: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "w2v", "evaluate", "--vectors", str(out), "--json",
         "--analogies", str(data / "eval" / "questions-words.txt"),
         "--similarity", str(data / "eval" / "wordsim353.tsv")],
        capture_output=True, text=True, check=True)
    report = json.loads(done.stdout)
    (pairs,) = report["similarity"].values()
    return {"analogy": 100 * report["analogies"]["total"]["accuracy"],
            "ws353": pairs["spearman"]}


def run(spec: dict, data: Path, runs: Path) -> dict:
    corpus = data / "wiki" / f"{spec['corpus']}.txt.gz"
    out = runs / spec["label"].replace(" ", "_").replace("/", "-")
    t0 = time.perf_counter()
    done = subprocess.run(train_command(spec, corpus, out), cwd=ROOT, capture_output=True,
                          text=True)
    wall = time.perf_counter() - t0
    if done.returncode != 0:  # diverged, say: a row that says so
        failed = (done.stderr.strip().splitlines() or ["failed"])[-1]
        row = {**spec, "wall": wall, "failed": failed}
    else:
        row = {**spec, "wall": wall, **measured(out, wall), **evaluate(out, data)}
    print(json.dumps(row), flush=True)
    with open(runs / "results.jsonl", "a") as f:  # a failed row too: it is not run again
        f.write(json.dumps(row) + "\n")
    return row


def measured(out: Path, wall: float) -> dict:
    """A finished run's speed, loss and sync costs, from its state.json (rank 0's)."""
    state = json.loads((out / "state.json").read_text())
    stats = state.get("distributed", {}).get("stats", {})
    return {"words_per_s": state["words_done"] / state["train_seconds"],
            "train_seconds": state["train_seconds"], "loss": state["loss_history"]["epoch"][-1],
            "allreduce_pct": 100 * stats.get("allreduce_seconds", 0) / wall,
            "wait_pct": 100 * stats.get("wait_seconds", 0) / wall,
            "mb_per_rank": stats.get("bytes_reduced", 0) / 1e6}


# the schedule these tables measured, the default before issue 25 (mpi_sweep.py measures today's)
BEFORE_25 = {"sync_lr": "n", "sync_momentum": 0.0}
# how rows are combined, at which lr (SyncPlan fields): "scaled" was the default before sync_lr
VARIANTS = {"scaled": {"lr": "n", "momentum": 0.0}, "average": {"lr": "1", "momentum": 0.0},
            "sum": {"mode": "sum", "lr": "1", "momentum": 0.0},
            "touched": {"mode": "touched", "lr": "1", "momentum": 0.0}}


def spec(label, corpus, ranks, threads, epochs=5, dim=100, config=None, plan=None) -> dict:
    return {"label": label, "corpus": corpus, "ranks": ranks, "threads": threads,
            "epochs": epochs, "dim": dim, "config": config or {}, "plan": plan or {}}


def suites(args) -> dict[str, list[dict]]:
    corpora = ["wiki-1.5m", "wiki-17m"]
    return {
        "headline": [spec("17m 1x2", "wiki-17m", 1, 2),
                     spec("17m 2x1", "wiki-17m", 2, 1, config=BEFORE_25)],
        "ranks": [spec(f"{c} {n}x1", c, n, 1, config=BEFORE_25 if n > 1 else {})
                  for c in corpora for n in (1, 2, 4, 8)],
        "periods": [spec(f"{c} 8x1 every {e}", c, 8, 1, config={"sync_every": e, **BEFORE_25})
                    for c in corpora for e in args.periods],
        "variants": [spec(f"1.5m {n}x1 {mode}", "wiki-1.5m", n, 1, plan=VARIANTS[mode])
                     for n in (2, 4, 8) for mode in args.modes]
        + [spec(f"1.5m {n}x1 scaled growth {g}", "wiki-1.5m", n, 1,
                plan={"growth": g, **VARIANTS["scaled"]})
           for n in (2, 4, 8) for g in args.growths]
        + [spec(f"1.5m {n}x1 scaled all rows", "wiki-1.5m", n, 1,
                plan={"rows": 10**9, **VARIANTS["scaled"]})
           for n in (2, 4, 8)],
    }


def table(rows: list[dict]) -> str:
    head = ("| run | ranks x threads | wall s | words/s | Allreduce % of wall | waiting % | "
            "MB per rank | loss | analogy % | WS353 |\n|---|---|---|---|---|---|---|---|---|---|")
    body = [f"| {r['label']} | {r['ranks']} x {r['threads']} | {r['wall']:.1f} | "
            + " | ".join(["failed"] * 7) + f" ({r['failed'][:60]}) |" if "failed" in r else
            f"| {r['label']} | {r['ranks']} x {r['threads']} | {r['wall']:.1f} | "
            f"{r['words_per_s'] / 1e3:,.0f}k | {r['allreduce_pct']:.1f} | {r['wait_pct']:.1f} | "
            f"{r['mb_per_rank']:,.0f} | {r['loss']:.4f} | {r['analogy']:.1f} | "
            f"{r['ws353']:.3f} |" for r in rows]
    return "\n".join([head, *body])


def rows_per_sync(plan, epoch_words: float, epochs: int, vocab: int) -> tuple[int, float]:
    """Periods per epoch, and the mean rows combined per sync over the run: the tiers, and
    every period of the warm start (``plan.warmup`` of the run's words) a full sync."""
    from w2v.training.sync import rounds_per_epoch, tier_rows_per_period

    rounds = rounds_per_epoch(int(epoch_words), plan.every)
    warm = min(1.0, np.ceil(plan.warmup * epochs * rounds) / (epochs * rounds))
    return rounds, warm * vocab + (1 - warm) * tier_rows_per_period(plan, rounds, vocab)


def modelled_mb(plan, epoch_words: float, epochs: int, vocab: int, dim: int) -> float:
    """MB a rank passes to Allreduce over a run (what ``state.json`` counts: the messages,
    float32 rows of ``W_in`` and ``W_out``; not the 2 (N - 1) / N a ring sends of them)."""
    rounds, rows = rows_per_sync(plan, epoch_words, epochs, vocab)
    return epochs * rounds * 8 * dim * rows / 1e6


def cost_model(args) -> str:
    """Modelled, not measured: a synchronous Allreduce after every period, no overlap with
    training. Per sync each rank sends and receives 2 (N - 1) / N times the message (ring or
    Rabenseifner allreduce), plus a latency of 2 log2(N) hops; a node trains at ``cores`` x the
    measured per-core words/s x ``--thread-efficiency``. The warm start's full syncs are
    spread over the run's syncs (``rows_per_sync``)."""
    from w2v.training.sync import SyncPlan

    n, V, d = args.nodes, args.vocab, args.dim
    node_speed = args.cores * args.per_core * args.thread_efficiency
    lines = [f"V = {V:,}, d = {d}, {n} nodes x {args.cores} cores at {args.per_core:,.0f} "
             f"words/s per core x {args.thread_efficiency} = {node_speed / 1e6:.1f}M words/s "
             f"per node; {args.epochs} epochs of {args.epoch_words:,.0f} words; tiers from "
             f"{args.rows:,} rows, all rows every {args.full_every} periods" + (
                 f" and for the first {args.warmup:g} of the words (the warm start)"
                 if args.warmup else ""), "",
             "| sync_every (all ranks) | rows per sync (mean) | MB per sync | GB per rank per "
             "epoch | training per period | " + " | ".join(
                 f"sync at {k} | speed-up at {k}" for k in LINKS) + " |",
             "|---" * (5 + 2 * len(LINKS)) + "|"]
    for every in args.model_periods:
        plan = SyncPlan(every=every, rows=args.rows, full_every=args.full_every,
                        warmup=args.warmup)
        rounds, rows = rows_per_sync(plan, args.epoch_words, args.epochs, V)
        message = 8 * d * rows  # float32 rows of W_in and W_out
        wire = 2 * (n - 1) / n * message
        compute = every / (n * node_speed)
        cells = []
        for link in LINKS.values():
            sync = sync_seconds(wire, n, *link)
            cells += [f"{1e3 * sync:.2f} ms", f"{n * compute / (compute + sync):.1f}x"]
        lines.append(f"| {every:,} | {rows:,.0f} | {message / 1e6:.1f} | "
                     f"{rounds * wire / 1e9:.1f} | {1e3 * compute:.2f} ms | "
                     + " | ".join(cells) + " |")
    return "\n".join(lines)


LINKS = {"10 Gbit/s": (1.25e9, 10e-6), "100 Gbit/s": (12.5e9, 2e-6)}  # bytes/s, latency


def sync_seconds(wire: float, n: int, bandwidth: float, latency: float) -> float:
    return wire / bandwidth + 2 * np.log2(n) * latency


def nodes_table(args) -> str:
    """For N = 2 ... 32 nodes: the speed-up on each link at each ``sync_every`` of
    ``--model-periods`` (the quality of each period at 8 ranks is measured in
    docs/distributed.md)."""
    from w2v.training.sync import SyncPlan

    node_speed = args.cores * args.per_core * args.thread_efficiency

    def speed_up(n, link, every):
        plan = SyncPlan(every=every, rows=args.rows, full_every=args.full_every,
                        warmup=args.warmup)
        _, rows = rows_per_sync(plan, args.epoch_words, args.epochs, args.vocab)
        sync = sync_seconds(2 * (n - 1) / n * 8 * args.dim * rows, n, *link)
        compute = every / (n * node_speed)
        return n * compute / (compute + sync)

    periods = sorted(args.model_periods)
    lines = ["| nodes | " + " | ".join(f"{e / 1e6:g}M at {k}" for k in LINKS for e in periods)
             + " |", "|---" * (1 + len(LINKS) * len(periods)) + "|"]
    for n in (2, 4, 8, 16, 32):
        cells = [f"{speed_up(n, link, e):.1f}x" for link in LINKS.values() for e in periods]
        lines.append(f"| {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def check(runs: list[Path]) -> str:
    """The model's bytes against what finished runs passed to Allreduce (their state.json),
    and the time the syncs took here (shared memory, not a network: the model's link speeds
    do not apply)."""
    from w2v.training.sync import SyncPlan

    lines = ["| run | ranks | periods per epoch | MB per rank, modelled | MB per rank, measured "
             "| Allreduce s | syncs | ms per sync |", "|---" * 8 + "|"]
    for run_dir in runs:
        state = json.loads((run_dir / "state.json").read_text())
        dist, cfg = state["distributed"], state["config"]
        plan = SyncPlan.from_json(dist["plan"])
        vocab = sum(not line.startswith("#")
                    for line in (run_dir / "vocab.txt").read_text().splitlines())
        words = sum(w for _, w in dist["shards"])
        mb = modelled_mb(plan, words, cfg["epochs"], vocab, cfg["dim"])
        stats = dist["stats"]
        seconds, syncs = stats["allreduce_seconds"], stats["syncs"]
        lines.append(f"| {run_dir.name} | {len(dist['shards'])} | {dist['rounds']} | {mb:,.1f} | "
                     f"{stats['bytes_reduced'] / 1e6:,.1f} | {seconds:.1f} | {syncs} | "
                     f"{1e3 * seconds / syncs:.1f} |")
    return "\n".join(lines)


def rank_main(corpus: str, out: str, cfg: str, plan: str) -> None:
    """One rank of a run with sync settings beyond the command line's (under mpiexec)."""
    from w2v.config import Config
    from w2v.training import session

    for _ in session.train(Config(**json.loads(cfg)), [corpus], out, force=True,
                           plan=json.loads(plan)):
        pass


def main() -> None:
    sys.path.insert(0, str(ROOT))  # this tree's w2v
    if len(sys.argv) > 1 and sys.argv[1] == "_rank":
        return rank_main(*sys.argv[2:6])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("suite", nargs="+",
                        choices=["headline", "ranks", "periods", "variants", "model", "check"])
    parser.add_argument("--runs", type=Path, nargs="+", default=[],
                        help="check: finished distributed runs to compare with the model")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-runs")
    parser.add_argument("--periods", type=int, nargs="+",
                        default=[50_000, 200_000, 800_000, 3_200_000])
    parser.add_argument("--modes", nargs="+", choices=list(VARIANTS), default=list(VARIANTS))
    parser.add_argument("--growths", type=int, nargs="+", default=[4, 8])
    model = parser.add_argument_group("the cost model (model)")
    model.add_argument("--per-core", type=float, default=700_000, help="measured words/s")
    model.add_argument("--thread-efficiency", type=float, default=0.8)
    model.add_argument("--nodes", type=int, default=32)
    model.add_argument("--cores", type=int, default=32)
    model.add_argument("--vocab", type=int, default=71_290)
    model.add_argument("--dim", type=int, default=100)
    model.add_argument("--rows", type=int, default=1024)
    model.add_argument("--full-every", type=int, default=64)
    model.add_argument("--epoch-words", type=float, default=1e9)
    model.add_argument("--epochs", type=int, default=5)
    model.add_argument("--warmup", type=float, default=0.0,
                       help="SyncPlan.warmup: the fraction of the words with full syncs")
    model.add_argument("--model-periods", type=int, nargs="+",
                       default=[200_000, 800_000, 3_200_000, 12_800_000, 51_200_000])
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if "model" in args.suite:
        args.suite.remove("model")
        print(cost_model(args), "", nodes_table(args), sep="\n")
    if "check" in args.suite:
        args.suite.remove("check")
        print(check(args.runs))
    for name in args.suite:
        rows = [run(s, args.data, args.out) for s in suites(args)[name]]
        print(f"\n## {name}\n\n{table(rows)}\n", flush=True)


if __name__ == "__main__":
    main()

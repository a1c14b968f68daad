"""Do phrases help? Analogy accuracy of vectors trained with and without two passes of phrases,
by w2v and by gensim (Phrases with word2phrase's scoring, then Word2Vec with w2v's defaults).

    python scripts/phrases_quality.py wiki-17m.txt [--work DIR] [--skip-gensim]

Each run is done once (w2v train takes minutes here, gensim's Word2Vec longer). Every set of
vectors is scored by ``w2v evaluate`` alike: the built-in ``phrases`` (word2vec.c's
questions-phrases.txt) and ``google`` (questions-words.txt) analogies, case-insensitive, among
the 30,000 most frequent words.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from phrases_bench import GENSIM_PRELUDE  # noqa: E402 - the gensim scorer, shared

ROOT = Path(__file__).resolve().parents[1]
W2V = [sys.executable, "-m", "w2v"]

GENSIM = GENSIM_PRELUDE + r"""
from gensim.models import Word2Vec

corpus, out = sys.argv[1], sys.argv[2]
kw = dict(min_count=5, scoring=word2phrase, connector_words=())
first = Phrases(Lines(corpus), threshold=200, **kw).freeze()
second = Phrases(Lines(corpus, first), threshold=100, **kw).freeze()
sentences = [s for s in Lines(corpus, first, second)]
model = Word2Vec(sentences, vector_size=100, window=5, negative=5, sample=1e-3, min_count=5,
                 epochs=5, alpha=0.025, min_alpha=0.0001, sg=1, workers=2, seed=1)
model.wv.save_word2vec_format(out, binary=True)
"""


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def scores(vectors: Path) -> dict[str, float]:
    got = {}
    for name in ("phrases", "google"):
        r = subprocess.run(W2V + ["evaluate", "--vectors", str(vectors), "--analogies", name,
                                  "--restrict-vocab", "30000", "--json"],
                           cwd=ROOT, check=True, capture_output=True, text=True)
        report = json.loads(r.stdout)
        got[name] = report
    return got


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--work", type=Path, default=Path("/tmp/phrases-quality"))
    ap.add_argument("--skip-gensim", action="store_true")
    args = ap.parse_args()
    w = args.work
    w.mkdir(parents=True, exist_ok=True)
    seconds = {"w2v phrases --passes 2": timed(W2V + ["phrases", str(args.corpus), "-o",
                                                      str(w / "phrased.txt"), "--passes", "2",
                                                      "--force", "-q"])}
    runs = {"w2v, phrases": (w / "phrased.txt", w / "run-phrases"),
            "w2v, no phrases": (args.corpus, w / "run-plain")}
    for label, (corpus, out) in runs.items():
        seconds[label] = timed(W2V + ["train", str(corpus), "--out", str(out), "--force", "-q"])
    if not args.skip_gensim:
        seconds["gensim, phrases"] = timed([sys.executable, "-c", GENSIM, str(args.corpus),
                                            str(w / "gensim.bin")])
        runs["gensim, phrases"] = (None, w / "gensim.bin")
    print("seconds:", json.dumps(seconds))
    for label, (_, vectors) in runs.items():
        print(label, json.dumps(scores(vectors)))


if __name__ == "__main__":
    main()

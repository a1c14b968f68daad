"""``w2v similar`` with several words: the same answers as the analogy command and as the
library call (and so as gensim, see test_vectors.py), the query words never among them."""

import json

import numpy as np
from click.testing import CliRunner

from w2v.cli import main
from w2v.vectors.vectors import Vectors


def cli(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def test_similar_several_words(tmp_path):
    rng = np.random.default_rng(0)
    words = ["king", "queen", "male", "female", *(f"w{i}" for i in range(40))]
    v = Vectors(words, rng.normal(size=(len(words), 8)).astype(np.float32))
    path = tmp_path / "v.txt"
    v.save_word2vec(path, binary=False)
    for method in ("add", "mul"):
        r = cli("similar", "king", "female", "--minus", "male", "--method", method, "-n", 43,
                "--vectors", path, "--json")
        assert r.exit_code == 0, r.output
        got = json.loads(r.stdout)
        assert got["query"] == {"positive": ["king", "female"], "negative": ["male"],
                                "method": method}
        analogy = cli("analogy", "king", "male", "female", "--method", method, "-n", 43,
                      "--vectors", path, "--json")
        assert got["results"] == json.loads(analogy.stdout)["results"]
        assert len(got["results"]) == len(words) - 3  # every word but the three inputs
        expected = Vectors.load(path).most_similar(["king", "female"], ["male"], topn=43,
                                                   method=method)
        assert [x["word"] for x in got["results"]] == [w for w, _ in expected]
    r = cli("similar", "king", "w1", "w2", "--minus", "w3", "--minus", "w4", "--vectors", path)
    listed = [line.split()[1] for line in r.stdout.splitlines()[2:]]
    assert r.exit_code == 0 and len(listed) == 10
    assert not {"king", "w1", "w2", "w3", "w4"} & set(listed)
    r = cli("similar", "king", "--minus", "kingg", "--vectors", path)
    assert r.exit_code == 1 and "'kingg' is not in the vocabulary; closest: king" in r.output
    r = cli("similar", "--minus", "king", "--vectors", path)
    assert r.exit_code == 2 and "Missing argument '[RUN] WORDS...'" in r.output

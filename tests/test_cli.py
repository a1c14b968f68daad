"""The command line: real runs and every error path (exit code + one-line message)."""

import json
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from w2v import demo
from w2v.cli import main


def run(*args, **kw):
    result = CliRunner().invoke(main, [str(a) for a in args], **kw)
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    corpus = demo.write(root / "demo.txt", 200_000)
    out = root / "run"
    result = run("train", corpus, "--out", out, "--dim", 30, "--threads", 1, "-q",
                 "--save", "npy,bin,txt")
    assert result.exit_code == 0, result.output
    return corpus, out


def test_train_prints_config_and_writes_outputs(trained):
    corpus, out = trained
    for name in ("vectors.npy", "vectors.txt", "vectors.bin", "vocab.txt", "state.json"):
        assert (out / name).is_file()
    state = json.loads((out / "state.json").read_text())
    assert state["config"]["dim"] == 30 and len(state["loss_history"]["epoch"]) == 5


def test_queries(trained, tmp_path):
    _, out = trained
    r = run("analogy", "king", "male", "female", "--vectors", out, "-n", 3)
    assert r.exit_code == 0 and r.output.splitlines()[2].split()[1] == "queen"
    r = run("analogy", "king", "male", "female", "--vectors", out, "--method", "mul", "--json")
    assert json.loads(r.output)["results"][0]["word"] == "queen"
    r = run("analogy", "--questions", "-", "--vectors", out, input="king male female\n"
            "man male female\n")
    assert r.exit_code == 0 and r.output.count(" = ?") == 2
    r = run("similar", "rain", "--vectors", out, "--json")
    assert {x["word"] for x in json.loads(r.output)["results"][:4]} & {"snow", "hail"}
    words = tmp_path / "words.txt"
    words.write_text("king queen rain snow coffee tea notaword")
    r = run("plot", "--vectors", out, "--words", words, "-o", tmp_path / "p.png")
    assert r.exit_code == 0 and "notaword" in r.output and (tmp_path / "p.png").is_file()
    r = run("plot", "--loss", out, "-o", tmp_path / "loss.png")
    assert r.exit_code == 0 and (tmp_path / "loss.png").is_file()


def test_evaluate_cli(trained, tmp_path):
    _, out = trained
    q = tmp_path / "q.txt"
    q.write_text(": family\nking queen man woman\nking queen boy girl\nking queen x y\n")
    p = tmp_path / "p.tsv"
    p.write_text("king\tqueen\t8\nrain\tsnow\t9\ncoffee\tking\t1\nrain\tboring\t0.5\n")
    r = run("evaluate", "--vectors", out, "--analogies", q, "--similarity", p, "--json")
    report = json.loads(r.output)
    assert report["analogies"]["questions"] == 3 and report["analogies"]["oov_skipped"] == 1
    assert report["similarity"][str(p)]["pairs"] == 4
    r = run("evaluate", "--vectors", out, "--analogies", q)
    assert "coverage: 2/3 questions" in r.output


def expect(result, code, text):
    assert result.exit_code == code, result.output
    assert text in result.output, result.output
    lines = [ln for ln in result.output.strip().splitlines() if ln.startswith("Error")]
    assert len(lines) == 1


@pytest.mark.parametrize("args, code, text", [
    (["train", "/no/such/file.txt"], 2, "does not exist"),
    (["train", "{tmp}"], 2, "is a directory"),
    (["train", "{corpus}", "--dim", "0"], 2, "dim (--dim) must be between"),
    (["train", "{corpus}", "--window", "-3"], 2, "window (--window) must be between"),
    (["train", "{corpus}", "--negative", "0"], 2, "negative (--negative) must be between"),
    (["train", "{corpus}", "--epochs", "0"], 2, "epochs (--epochs) must be between"),
    (["train", "{corpus}", "--epochs", "1000000000"], 2, "epochs (--epochs) must be between"),
    (["train", "{corpus}", "--dim", "100000000"], 2, "dim (--dim) must be between"),
    (["train", "{corpus}", "--lr", "0"], 2, "lr (--lr) must be > 0"),
    (["train", "{corpus}", "--lr", "-1"], 2, "lr (--lr) must be > 0"),
    (["train", "{corpus}", "--dim", "ten"], 2, "'ten' is not a valid integer"),
    (["train", "{corpus}", "--config", "{badkey}"], 2, "unknown config file key 'dimm'"),
    (["train", "{corpus}", "--config", "{badtype}"], 2, "dim (--dim) must be int"),
    (["train", "{corpus}", "--out", "{file}"], 2, "exists and is not a folder"),
    (["train", "{corpus}", "--out", "{file}/sub"], 1, "Not a directory"),
    (["train", "{empty}", "--out", "{tmp}/e"], 1, "the corpus has no words"),
    (["train", "{corpus}", "--min-count", "10000000", "--out", "{tmp}/m"], 1,
     "no word occurs 10000000 times"),
    (["train", "{corpus}", "--out", "{tmp}/r", "--resume"], 1, "no checkpoint"),
    (["analogy", "king", "male", "--vectors", "{run}"], 2, "give three words"),
    (["analogy", "kingg", "male", "female", "--vectors", "{run}"], 1,
     "'kingg' is not in the vocabulary; closest: king"),
    (["analogy", "king", "king", "female", "--vectors", "{run}"], 1, "must differ"),
    (["similar", "rain", "--vectors", "{file}"], 1, "not a word2vec file"),
    (["similar", "rain", "--vectors", "{tmp}/none"], 1, "does not exist"),
    (["plot", "--vectors", "{run}", "-o", "{tmp}/x.jpg"], 1, ".png, .svg or .pdf"),
    (["plot", "--loss", "{tmp}"], 1, "state.json does not exist"),
    (["evaluate", "--vectors", "{run}", "--analogies", "nosuchset"], 1,
     "neither a file nor a built-in analogy set (google, phrases)"),
])
def test_errors(trained, tmp_path, args, code, text):
    corpus, out = trained
    names = {"tmp": tmp_path, "corpus": corpus, "run": out, "file": tmp_path / "f.txt",
             "empty": tmp_path / "empty.txt", "badkey": tmp_path / "k.toml",
             "badtype": tmp_path / "t.toml"}
    names["file"].write_text("just text\n")
    names["empty"].write_text("  \n\n \t\n")
    names["badkey"].write_text("dimm = 3\n")
    names["badtype"].write_text('dim = "3"\n')
    expect(run(*[a.format(**names) for a in args]), code, text)


@pytest.mark.parametrize("args, text", [
    (["train", "missing.txt"], "File 'missing.txt' does not exist"),
    (["trian"], "No such command 'trian'"),
    (["train", "--bogus"], "No such option '--bogus'"),
    (["similar", "--minus", "king"], "Missing argument '[RUN] WORDS...'"),
    (["plot", "--clusters", "0"], "0 is not in the range x>=1"),
])
def test_usage_errors_are_one_line(args, text):
    """Click's usage errors print a usage block and a 'Try' line; w2v's are one line (exit 2)
    that names the command's help."""
    r = CliRunner().invoke(main, args, prog_name="w2v")
    assert r.exit_code == 2
    assert r.output.count("\n") == 1 and r.output.startswith("Error: ") and text in r.output
    assert f"(see w2v {args[0]} --help)" in r.output or args == ["trian"]


def test_binary_garbage_trains_or_fails_cleanly(tmp_path):
    path = tmp_path / "garbage.bin"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 200_000, dtype=np.uint8).tobytes())
    r = run("train", path, "--out", tmp_path / "g", "--min-count", "1", "--epochs", "1",
            "--dim", "8")
    assert r.exit_code in (0, 1)
    assert "invalid UTF-8" in r.output  # a note, not shown with -q


def test_corrupt_checkpoint_on_resume(trained, tmp_path, monkeypatch):
    corpus, out = trained
    import shutil

    run_dir = tmp_path / "copy"
    shutil.copytree(out, run_dir)
    for ckpt in (run_dir / "checkpoints").iterdir():
        (ckpt / "W_in.npy").write_bytes(b"garbage")
    (run_dir / "vectors.npy").write_bytes(b"garbage")  # its twin, which would restore it
    state = json.loads((run_dir / "state.json").read_text())
    r = run("train", corpus, "--out", run_dir, "--resume", "--dim", "30", "--threads", "1")
    expect(r, 1, "sha256 mismatch")
    assert state["epoch"] == 5


def test_divergence_cli(tmp_path):
    corpus = demo.write(tmp_path / "d.txt", 30_000)
    r = run("train", corpus, "--out", tmp_path / "r", "--lr", "50", "--min-lr", "50", "-q",
            "--checkpoint-every", "10k")
    expect(r, 1, "training diverged")


def test_debug_shows_traceback(tmp_path):
    r = CliRunner().invoke(main, ["--debug", "similar", "x", "--vectors", str(tmp_path / "n")])
    assert r.exit_code == 1 and r.exc_info[0].__name__ == "VectorsError"


def test_help_is_fast_and_light():
    code = ("import sys, w2v.cli; from click.testing import CliRunner; "
            "CliRunner().invoke(w2v.cli.main, ['--help']); "
            "print(sorted(m for m in ('numpy', 'numba', 'matplotlib', 'sklearn') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    r = run("--help")
    for command in ("train", "gradcheck", "analogy", "similar", "evaluate", "plot", "demo"):
        assert command in r.output
    assert run("--version").output.startswith("w2v, version")


# ------------------------------------------------------------- issue 11: the query commands


def strict_json(text):
    """json.loads that refuses NaN/Infinity, as RFC 8259, jq and JSON.parse do."""
    def refuse(name):
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def test_analogy_help_shows_the_printf_example_as_typed():
    r = run("analogy", "--help")
    typed = ("printf 'king male female queen\\nman male female woman\\n' | w2v analogy "
             "--questions -")
    assert r.exit_code == 0 and typed in [line.strip() for line in r.output.splitlines()], r.output


def test_json_writes_null_for_nan(trained, tmp_path, monkeypatch):
    _, out = trained
    pairs = tmp_path / "same.tsv"  # equal human scores: Spearman's rho is undefined (NaN)
    pairs.write_text("king\tqueen\t5\nrain\tsnow\t5\ncoffee\ttea\t5\n")
    r = run("evaluate", "--vectors", out, "--similarity", pairs, "--json")
    assert r.exit_code == 0, r.output
    report = strict_json(r.stdout)["similarity"][str(pairs)]
    assert report["spearman"] is None and report["pearson"] is None and report["pairs"] == 3
    from w2v.vectors.vectors import Vectors

    monkeypatch.setattr(Vectors, "most_similar", lambda self, *a, **kw: [("a", float("nan")),
                                                                         ("b", float("inf")),
                                                                         ("c", 0.5)])
    r = run("similar", "rain", "--vectors", out, "--json")
    assert strict_json(r.stdout)["results"] == [{"word": "a", "score": None},
                                                {"word": "b", "score": None},
                                                {"word": "c", "score": 0.5}]


@pytest.mark.filterwarnings("error")
def test_degenerate_inputs_give_notes_not_python_warnings(trained, tmp_path):
    """Each case used to print a raw Python warning with file:line; with warnings turned into
    errors it would exit 1 with an internal error."""
    _, out = trained
    pairs = tmp_path / "same.tsv"
    pairs.write_text("king\tqueen\t5\nrain\tsnow\t5\ncoffee\ttea\t5\n")
    r = run("evaluate", "--vectors", out, "--similarity", pairs)
    assert r.exit_code == 0, r.output
    assert "note:" in r.stderr and "human scores" in r.stderr and "Warning" not in r.output
    assert "Spearman rho undefined" in r.stdout
    zero = tmp_path / "zero.txt"  # zero vectors: every model similarity is 0
    zero.write_text("3 2\na 0 0\nb 0 0\nc 1 1\n")
    zpairs = tmp_path / "z.tsv"
    zpairs.write_text("a\tb\t1\nb\ta\t2\n")
    r = run("evaluate", "--vectors", zero, "--similarity", zpairs)
    assert r.exit_code == 0 and "note:" in r.stderr and "model" in r.stderr, r.output
    same = tmp_path / "same.txt"  # three identical vectors, three clusters asked for
    same.write_text("3 2\na 1 1\nb 1 1\nc 2 0\n")
    words = tmp_path / "w.txt"
    words.write_text("a b c")
    r = run("plot", "--vectors", same, "--words", words, "--clusters", 3, "-o",
            tmp_path / "s.png")
    assert r.exit_code == 0 and "note:" in r.stderr and "2 clusters" in r.stderr, r.output
    huge = tmp_path / "huge.txt"  # float32 squares overflow: norms must not become inf
    huge.write_text("3 2\na 3e38 1\nb 1 3e38\nc 1 1\n")
    r = run("similar", "a", "--vectors", huge, "--json")
    scores = {x["word"]: x["score"] for x in strict_json(r.stdout)["results"]}
    a, c = np.array([3e38, 1.0]), np.array([1.0, 1.0])
    assert scores["c"] == pytest.approx(a @ c / np.linalg.norm(a) / np.linalg.norm(c), abs=1e-5)
    nan = tmp_path / "nan.txt"
    nan.write_text("3 2\na 1 nan\nb 1 2\nc inf 1\n")
    expect(run("similar", "b", "--vectors", nan), 1, "2 vectors have NaN or infinite values")


def test_analogy_questions_skip_unknown_and_malformed_lines(trained):
    _, out = trained
    lines = ["king male female", "kingg male female", "just two", "", "man male female",
             "king king female", "a b c d e", "queen female zzzz"]
    stdin = "\n".join(lines) + "\n"
    r = run("analogy", "--questions", "-", "--vectors", out, "-n", 3, input=stdin)
    assert r.exit_code == 0, r.output
    assert r.stdout.count(" = ?") == 2
    assert ("skipped 2 questions with out-of-vocabulary words: kingg (line 2), zzzz (line 8)"
            in r.stdout)
    assert "skipped 3 malformed lines (not three different words): 3, 6, 7" in r.stdout
    r = run("analogy", "--questions", "-", "--vectors", out, "-n", 3, "--json", input=stdin)
    report = strict_json(r.stdout)
    assert report["answered"] == 2 and report["questions"] == 7
    assert [q["line"] for q in report["skipped_oov"]] == [2, 8]
    assert report["skipped_oov"][1]["unknown"] == ["zzzz"]
    assert [q["line"] for q in report["malformed"]] == [3, 6, 7]
    for answer in report["answers"]:  # the same answers as one question at a time
        single = strict_json(run("analogy", *answer["query"], "--vectors", out, "-n", 3,
                                 "--json").stdout)
        assert answer["results"] == single["results"] and answer["query"] == single["query"]
    r = run("analogy", "--questions", "-", "--vectors", out, input="kingg a b\nx y\n")
    expect(r, 1, "no question could be answered")


def test_lowercased_run_lowercases_queries(trained, tmp_path):
    import shutil

    _, out = trained
    run_dir = tmp_path / "lower"
    shutil.copytree(out, run_dir, ignore=shutil.ignore_patterns("checkpoints", "corpus.ids"))
    reference = strict_json(run("similar", "king", "--vectors", out, "--json").stdout)
    expect(run("similar", "KING", "--vectors", out), 1, "'KING' is not in the vocabulary")
    state = json.loads((run_dir / "state.json").read_text())
    state["config"]["lowercase"] = True
    (run_dir / "state.json").write_text(json.dumps(state))
    for path in (run_dir, run_dir / "vectors.npy"):
        r = strict_json(run("similar", "KING", "--vectors", path, "--json").stdout)
        assert r["results"] == reference["results"]
    r = run("analogy", "King", "MALE", "female", "--vectors", run_dir, "--json")
    ref = run("analogy", "king", "male", "female", "--vectors", out, "--json")
    assert strict_json(r.stdout)["results"] == strict_json(ref.stdout)["results"]
    (run_dir / "state.json").write_text('{"config": {"lowercase": tru')
    expect(run("similar", "king", "--vectors", run_dir), 1, "state.json")


@pytest.mark.parametrize("tol", ["-1", "0", "nan", "inf", "-inf"])
def test_gradcheck_rejects_a_tolerance_that_is_not_positive_and_finite(tol):
    expect(run("gradcheck", "--tol", tol), 2, "tol must be a positive finite number")


def test_query_flag_names(trained, tmp_path):
    _, out = trained
    for command in ("analogy", "similar"):
        assert "-n, --top INTEGER RANGE" in run(command, "--help").output
    r = run("similar", "rain", "--vectors", out, "--top", 2, "--json")
    assert len(strict_json(r.stdout)["results"]) == 2
    for command in ("gradcheck", "plot"):
        help_text = " ".join(run(command, "--help").output.split())
        assert "--seed INTEGER Seed" in help_text, help_text
    help_text = run("plot", "--help").output
    assert "-o, --out FILE" in help_text and "--output" not in help_text
    for flag in ("--out", "--output"):
        target = tmp_path / f"loss{flag}.png"
        assert run("plot", "--loss", out, flag, target).exit_code == 0 and target.is_file()


@pytest.mark.parametrize("state", ['{"loss_history": {"epoch": [1.5, 1.', '{"loss_history": 3}'])
def test_plot_loss_with_damaged_state_json(tmp_path, state):
    (tmp_path / "state.json").write_text(state)
    r = run("plot", "--loss", tmp_path, "-o", tmp_path / "l.png")
    expect(r, 1, "not valid JSON" if state.endswith("1.") else "loss history is damaged")
    assert not (tmp_path / "l.png").exists()

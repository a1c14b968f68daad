"""The interactive plot (w2v/vectors/html.py): a self-contained page whose embedded data is checked
against independent references: project_2d of the same rows, a naive cosine loop, a hand case
for ties, and a parse of the page with the standard library's HTML parser."""

import base64
import json
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from w2v.cli import main
from w2v.vectors import html as plot_html
from w2v.vectors.plot import choose_clusters, project_2d
from w2v.vectors.vectors import Vectors

ROOT = Path(__file__).resolve().parents[1]


class Page(HTMLParser):
    """Every tag's attributes and every script element's (type, id, text)."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.attrs, self.scripts, self.title, self._in = [], [], None, None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.attrs.append((tag, dict(attrs)))
        if tag in ("script", "title"):
            self._in = (tag, dict(attrs), [])

    def handle_data(self, data):
        if self._in:
            self._in[2].append(data)

    def handle_endtag(self, tag):
        if self._in and tag == self._in[0]:
            kind, attrs, parts = self._in
            if kind == "script":
                self.scripts.append((attrs.get("type"), attrs.get("id"), "".join(parts)))
            else:
                self.title = "".join(parts)
            self._in = None


def unpack(packed):
    """An independent decoder of the page's {"dtype", "shape", "b64"} arrays."""
    raw = base64.b64decode(packed["b64"])
    return np.frombuffer(raw, dtype=np.dtype(packed["dtype"]).newbyteorder("<")).reshape(
        packed["shape"])


def embedded(text):
    page = Page(text)
    (data_text,) = [t for kind, i, t in page.scripts if i == "w2v-data"]
    assert page.scripts[-2][1] == "w2v-data"  # data, then the page's script: nothing else
    return json.loads(data_text), page


def random_vectors(n=60, dim=16, seed=0, words=None):
    rng = np.random.default_rng(seed)
    return Vectors(words or [f"w{i}" for i in range(n)],
                   rng.normal(size=(n, dim)).astype(np.float32))


def naive_neighbours(X, k):
    """For each row, the k other rows of highest cosine (float64), ties to the lower row."""
    out = []
    for i in range(len(X)):
        cos = []
        for j in range(len(X)):
            if j != i:
                d = float(np.dot(X[i], X[j]))
                cos.append((-d / (np.linalg.norm(X[i]) * np.linalg.norm(X[j])), j))
        out.append(sorted(cos)[:k])
    return out


def test_page_is_self_contained(tmp_path):
    v = random_vectors()
    info = plot_html.write_html(v, v.words, tmp_path / "w.html")
    text = (tmp_path / "w.html").read_text(encoding="utf-8")
    assert info["bytes"] == len(text.encode("utf-8"))
    assert "http://" not in text and "https://" not in text and "//cdn" not in text
    page = Page(text)
    assert not any(tag == "link" for tag, _ in page.attrs)
    assert not any("src" in attrs for tag, attrs in page.attrs if tag == "script")
    for _tag, attrs in page.attrs:
        for name in ("src", "href"):
            assert name not in attrs or not attrs[name].lstrip().startswith(("http", "//"))
    (policy,) = [a["content"] for t, a in page.attrs if a.get("http-equiv")
                 == "Content-Security-Policy"]
    assert "default-src 'none'" in policy and "connect-src" not in policy


def test_coordinates_round_trip_to_project_2d(tmp_path):
    v = random_vectors(80, 12, seed=3)
    chosen = v.words[5:70:2][::-1]  # not the vocabulary's order: rows must follow the words
    plot_html.write_html(v, chosen, tmp_path / "w.html")
    data, _ = embedded((tmp_path / "w.html").read_text(encoding="utf-8"))
    assert data["words"] == chosen and data["version"] == plot_html.FORMAT_VERSION
    rows = [v.index[w] for w in chosen]
    coords = unpack(data["coords"]["svd"])
    assert coords.shape == (len(chosen), 2)
    assert np.array_equal(coords, project_2d(v.vectors[rows]).astype(np.float32))
    labels = unpack(data["labels"])
    assert np.array_equal(labels, choose_clusters(v.unit[rows]))  # <= 500 words: as the PNG
    assert data["clusters"] == labels.max() + 1


def test_neighbours_match_a_naive_cosine_loop(tmp_path):
    v = random_vectors(50, 8, seed=4)
    plot_html.write_html(v, v.words, tmp_path / "w.html")
    data, _ = embedded((tmp_path / "w.html").read_text(encoding="utf-8"))
    index, cos100 = unpack(data["neighbours"]["index"]), unpack(data["neighbours"]["cos100"])
    assert index.shape == cos100.shape == (50, plot_html.NEIGHBOURS)
    for i, ref in enumerate(naive_neighbours(v.vectors.astype(np.float64), 10)):
        assert index[i].tolist() == [j for _, j in ref]
        assert np.abs(cos100[i] - np.array([-c * 100 for c, _ in ref])).max() <= 0.5 + 1e-3


def test_neighbour_ties_go_to_the_lower_row_in_every_block():
    # rows 0-3 identical, 4 orthogonal to them, 5 halfway: a hand-worked case
    X = np.array([[1, 0], [1, 0], [1, 0], [1, 0], [0, 1], [1, 1]], np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    for block in (1, 4, 1024):
        index, cos = plot_html.nearest_neighbours(X, k=2, block=block)
        assert index.tolist() == [[1, 2], [0, 2], [0, 1], [0, 1], [5, 0], [0, 1]]
        assert np.allclose(cos[0], [1, 1]) and np.allclose(cos[4], [0.5 ** 0.5, 0])
    index, _ = plot_html.nearest_neighbours(X[:3], k=10)  # fewer words than k: all the others
    assert index.tolist() == [[1, 2], [0, 2], [0, 1]]


def test_neighbour_ties_on_the_sampled_path():
    # 5,000 one-hot rows, row i = e_(i mod 50): every dot product is exactly 0 or 1, each row has
    # 99 exact ties at cosine 1, and n > 4,000 takes the sampled-threshold path
    n, d = 5000, 50
    X = np.eye(d, dtype=np.float32)[np.arange(n) % d]
    index, cos = plot_html.nearest_neighbours(X, k=10, block=777)
    for i in (0, 1, 49, 50, 2525, 4999):
        assert index[i].tolist() == [j for j in range(i % d, n, d) if j != i][:10]
    assert (cos == 1).all()


def test_many_words_use_minibatch_kmeans_and_find_planted_groups():
    rng = np.random.default_rng(5)
    centers = rng.normal(scale=10, size=(3, 20))
    X = np.repeat(centers, 200, axis=0) + rng.normal(size=(600, 20))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    labels = plot_html.cluster_labels(X, clusters=3).reshape(3, 200)
    assert len({row[0] for row in labels}) == 3 and all(len(set(row)) == 1 for row in labels)
    assert len(set(plot_html.cluster_labels(X).tolist())) == plot_html.MANY_CLUSTERS


HOSTILE = ["</script><script>alert(1)</script>", "<b>bold</b>", "a&b", "&amp;", '"quoted"',
           "it's", "<!--", "naïve", "東京", "😀", "x\u2028y", "back\\slash", "</SCRIPT >"]


def test_escaping_of_hostile_and_non_ascii_words(tmp_path):
    v = random_vectors(len(HOSTILE) + 5, 6, seed=6, words=HOSTILE + [f"w{i}" for i in range(5)])
    plot_html.write_html(v, v.words, tmp_path / "w.html", name="<run> & 'co'")
    raw = (tmp_path / "w.html").read_bytes()
    text = raw.decode("utf-8")
    data, page = embedded(text)
    assert data["words"] == v.words
    assert len(page.scripts) == 3  # the hooks, the data, the page: no word opened a script
    start = text.index('id="w2v-data">') + len('id="w2v-data">')
    body = text[start:text.index("</script>", start)]
    assert "<" not in body and ">" not in body and "&" not in body
    assert "東京" in body and "naïve" in body  # non-ASCII kept as UTF-8, not \u-escaped
    assert page.title == f"<run> & 'co': {len(v)} words"  # escaped in the file, parsed back
    assert "<run>" not in text


@pytest.mark.slow  # a browser, 20,000 words or t-SNE
def test_twenty_thousand_words_in_seconds(tmp_path):
    v = random_vectors(20_000, 100, seed=7)
    start = time.perf_counter()
    info = plot_html.write_html(v, plot_html.choose_words(v, top=20_000), tmp_path / "w.html")
    seconds = time.perf_counter() - start
    size = (tmp_path / "w.html").stat().st_size
    print(f"20,000 words: {seconds:.1f} s, {size:,} bytes")
    assert len(info["plotted"]) == 20_000 and info["clusters"] == plot_html.MANY_CLUSTERS
    assert seconds < 30  # ~4 s on an idle 2-core machine; generous for a shared one
    assert size < 1.5e6
    data, _ = embedded((tmp_path / "w.html").read_text(encoding="utf-8"))
    index = unpack(data["neighbours"]["index"])
    for i in (0, 12_345, 19_999):  # spot-check against a direct product
        cos = v.unit @ v.unit[i]
        cos[i] = -np.inf
        assert index[i].tolist() == np.argsort(-cos, kind="stable")[:10].tolist()


def test_lowercased_run_folds_the_words_and_damaged_vectors_are_one_error(tmp_path):
    v = Vectors(["king", "queen", "man"], np.eye(3, dtype=np.float32), lowercase=True)
    info = plot_html.write_html(v, ["King", "QUEEN", "Woman"], tmp_path / "w.html")
    assert info["plotted"] == ["king", "queen"] and info["missing"] == ["woman"]
    with pytest.raises(plot_html.VectorsError, match="found 1; not in it: woman"):
        plot_html.write_html(v, ["king", "woman"], tmp_path / "w.html")
    bad = Vectors(["a", "b"], np.array([[1, np.nan], [0, 1]], np.float32))
    with pytest.raises(plot_html.VectorsError, match="NaN"):
        plot_html.write_html(bad, ["a", "b"], tmp_path / "w.html")


def test_choose_words():
    v = random_vectors(30)
    assert plot_html.choose_words(v) == v.words  # fewer than DEFAULT_TOP: all of them
    assert plot_html.choose_words(v, top=4) == v.words[:4]
    assert plot_html.choose_words(v, ["w3", "zz"]) == ["w3", "zz"]
    with pytest.raises(plot_html.VectorsError):
        plot_html.choose_words(v, ["w3"], top=4)


@pytest.mark.slow  # a browser, 20,000 words or t-SNE
def test_tsne_coordinates_are_embedded(tmp_path):
    v = random_vectors(40, 60, seed=8)
    plot_html.write_html(v, v.words, tmp_path / "w.html", tsne=True)
    data, _ = embedded((tmp_path / "w.html").read_text(encoding="utf-8"))
    tsne = unpack(data["coords"]["tsne"])
    assert tsne.shape == (40, 2) and np.isfinite(tsne).all() and tsne.std() > 0
    assert np.array_equal(tsne, plot_html.tsne_2d(v.unit, 0).astype(np.float32))  # seeded


@pytest.fixture
def vectors_file(tmp_path):
    v = random_vectors(40, 8, seed=9)
    path = tmp_path / "v.txt"
    v.save_word2vec(path, binary=False)
    return v, path


def test_cli_html(tmp_path, vectors_file):
    v, path = vectors_file
    out = tmp_path / "plot.html"
    r = CliRunner().invoke(main, ["plot", "--vectors", str(path), "--html", "--most-frequent", "12",
                                  "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert f"wrote {out}" in r.output and "12 words" in r.output
    assert embedded(out.read_text(encoding="utf-8"))[0]["words"] == v.words[:12]
    words = tmp_path / "words.txt"
    words.write_text("w5 w1 nope w5")
    r = CliRunner().invoke(main, ["plot", "--vectors", str(path), "--html", "--words",
                                  str(words), "-o", str(out), "--force"])
    assert r.exit_code == 0 and "skipped: nope" in r.output
    assert embedded(out.read_text(encoding="utf-8"))[0]["words"] == ["w5", "w1"]


@pytest.mark.parametrize("args, message, code", [
    (["--html", "-o", "x.png"], "must be an .html file", 1),
    (["--html", "--most-frequent", "5", "--words", "WORDS"], "not both", 1),
    (["--most-frequent", "5", "-o", "x.png"], "need --html", 2),  # options that do not go together
    (["--tsne"], "need --html", 2),
    (["-o", "x.html"], "need --html", 2),
])
def test_cli_html_errors(tmp_path, vectors_file, args, message, code):
    _, path = vectors_file
    (tmp_path / "words.txt").write_text("w1 w2")
    args = [str(tmp_path / a) if a in ("x.png", "x.html") else a for a in args]
    args = [str(tmp_path / "words.txt") if a == "WORDS" else a for a in args]
    r = CliRunner().invoke(main, ["plot", "--vectors", str(path), *args])
    assert r.exit_code == code and message in r.output
    assert len(r.output.strip().splitlines()) == 1 and "Traceback" not in r.output
    assert not list(tmp_path.glob("x.*"))


def test_template_is_package_data():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    from importlib import resources

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "html_template.html" in config["tool"]["setuptools"]["package-data"]["w2v.vectors"]
    assert resources.files("w2v.vectors").joinpath("html_template.html").is_file()
    page = plot_html.render_html({"words": []}, "t")
    assert "__W2V_" not in page and page.count('id="w2v-data"') == 1


CHROMIUM = next((p for p in ("/usr/lib/chromium/chromium", shutil.which("chromium") or "")
                 if p and Path(p).is_file()), None)


@pytest.mark.slow  # a browser, 20,000 words or t-SNE
@pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (apt-get install -y chromium)")
def test_browser_check_passes_and_catches_network_and_console(tmp_path):
    words = ["king", "queen", *HOSTILE[:3], *[f"w{i}" for i in range(40)]]
    v = random_vectors(len(words), 10, seed=10, words=words)
    good = tmp_path / "good.html"
    plot_html.write_html(v, v.words, good)
    script = [sys.executable, str(ROOT / "scripts" / "browser_check.py")]
    r = subprocess.run([*script, str(good), "--word", HOSTILE[0], "--screenshot",
                        str(tmp_path / "s.png")], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and r.stdout.strip().endswith("PASS"), r.stdout + r.stderr
    assert (tmp_path / "s.png").stat().st_size > 1000
    text = good.read_text(encoding="utf-8")
    cases = {  # a load the policy blocks; a load with no policy; a console message
        "policy violations": text.replace('<div id="bar">',
                                          '<div id="bar"><img src="http://w2v.invalid/a.png">'),
        "network requests from the page": text.replace("Content-Security-Policy", "x-none")
        .replace('<div id="bar">', '<div id="bar"><img src="http://w2v.invalid/a.png">'),
        "console messages": text.replace("</body>", "<script>console.log('hi')</script></body>"),
    }
    for reason, bad_text in cases.items():
        assert bad_text != text
        bad = tmp_path / "bad.html"
        bad.write_text(bad_text, encoding="utf-8")
        r = subprocess.run([*script, str(bad), "--word", "king"], capture_output=True,
                           text=True, timeout=300)
        assert r.returncode == 1 and reason in r.stdout, (reason, r.stdout)


def test_clusters_are_named_by_the_words_nearest_their_centre(tmp_path):
    """The legend named a cluster by its most frequent members ("and, as, with"); now by the
    members nearest its centroid, checked against a naive loop over the embedded labels."""
    rng = np.random.default_rng(5)
    centres = rng.normal(size=(3, 10)) * 4
    vecs = np.concatenate([c + rng.normal(size=(12, 10)) * s for c, s in
                           zip(centres, (2.0, 0.3, 1.0))]).astype(np.float32)
    order = rng.permutation(len(vecs))  # frequency order mixes the groups
    v = Vectors([f"w{i}" for i in range(len(vecs))], vecs[order])
    plot_html.write_html(v, v.words, tmp_path / "w.html", clusters=3)
    text = (tmp_path / "w.html").read_text(encoding="utf-8")
    data, _ = embedded(text)
    labels, unit = unpack(data["labels"]), v.unit.astype(np.float64)
    for c, named in enumerate(data["names"]):
        members = [i for i in range(len(v)) if labels[i] == c]
        centre = sum(unit[i] for i in members) / len(members)
        ranked = sorted(members, key=lambda i: (-float(unit[i] @ centre), i))
        assert named == ranked[: plot_html.NAME_WORDS]
    assert any(named != [i for i in range(len(v)) if labels[i] == c][:plot_html.NAME_WORDS]
               for c, named in enumerate(data["names"]))  # not the most frequent members
    assert "nearest by cosine among the" in text and "plotted words" in text

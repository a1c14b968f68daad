"""README.md's Python examples run as they are shown: every ```python block, in order, as one
doctest session, in an empty folder, on the built-in demo corpus (offline)."""

import doctest
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def python_blocks(text: str) -> str:
    """The ```python blocks, each padded to its line in the file, so a failure names the
    README's line."""
    out = []
    for match in BLOCK.finditer(text):
        line = text.count("\n", 0, match.start(1))
        out.append("\n" * (line - sum(b.count("\n") for b in out)) + match.group(1))
    return "".join(out)


def test_python_blocks_of_readme_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = python_blocks(README.read_text(encoding="utf-8"))
    test = doctest.DocTestParser().get_doctest(source, {}, "README.md", str(README), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    failures = []
    runner.run(test, out=failures.append)
    assert len(test.examples) >= 15  # the section was found and parsed
    assert runner.failures == 0, "".join(failures)


def test_blocks_keep_their_readme_lines():
    text = "a\n```python\n>>> 1\n1\n```\nb\n```python\n>>> 2\n2\n```\n"
    source = python_blocks(text)
    assert source.splitlines()[2] == ">>> 1" and source.splitlines()[7] == ">>> 2"

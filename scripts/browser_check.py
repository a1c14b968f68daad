#!/usr/bin/env python3
"""Load a ``w2v plot --html`` page in headless Chromium and check it as a person would see it.

It fails (exit 1) when:
- the file refers to anything outside itself (``<script src>``, ``<link>``, a URL in src/href);
- the page's self-test fails: ``PAGE?selftest=WORD`` types WORD into the search box, presses
  Enter, moves the pointer onto the word, zooms with the wheel there, clicks its nearest
  neighbour, and writes into ``<pre id=selftest>`` what was selected, which neighbours the
  panel lists, whether the word is centred, what the hover tooltip says, whether the word
  stayed under the pointer while zooming and whether the click selected the neighbour; read
  back with ``--dump-dom``. The neighbours must
  also equal those decoded here, in Python, from the embedded data;
- the console shows any message (the page never logs), or a script error is caught;
- the page attempts any network request: seen three ways, as a Content-Security-Policy
  violation and a resource-timing entry inside the page, and in Chromium's net log as a
  request whose initiator is a document. Chromium's own background requests (extension and
  time updates, which no flag silences fully) are counted and reported apart; the host
  resolver rule maps every host to "not found", so none of them leaves the machine;
- with ``--screenshot PNG``: the picture (taken at ``PAGE?q=WORD``) is blank, i.e. has fewer
  than 20 colours or under 0.5% non-white pixels.

Usage:
  python scripts/browser_check.py runs/demo/words.html --screenshot /tmp/words.png \
      [--word king] [--proj tsne]

Needs Chromium (Debian: ``apt-get install -y chromium``); exit 2 when it is missing.
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-default-apps", "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0",
    "--virtual-time-budget=5000",
]
# Debian's /usr/bin/chromium wrapper adds --enable-remote-extensions from /etc/chromium.d, which
# makes the browser poll for extension updates; the binary behind it does not.
CANDIDATES = ["/usr/lib/chromium/chromium", "chromium", "chromium-browser", "google-chrome"]
EXTERNAL = re.compile(r"""<script[^>]*\ssrc\s*=|<link\b|\b(?:src|href)\s*=\s*["']?\s*"""
                      r"""(?:[a-z][a-z0-9+.-]*:|//)""", re.I)


def find_chromium(given: str | None) -> str | None:
    for name in [given] if given else CANDIDATES:
        path = shutil.which(name) or (name if Path(name).is_file() else None)
        if path:
            return path
    return None


def embedded(page: str) -> dict:
    """The page's data: the JSON in <script id=w2v-data>, with the words' neighbours decoded."""
    m = re.search(r'<script type="application/json" id="w2v-data">(.*?)</script>', page, re.S)
    if not m:
        raise SystemExit("no <script id=w2v-data> in the file: is it a w2v plot page?")
    data = json.loads(m.group(1))
    packed = data["neighbours"]["index"]
    size = {"uint16": 2, "uint32": 4}[packed["dtype"]]
    raw = base64.b64decode(packed["b64"])
    flat = [int.from_bytes(raw[i:i + size], "little") for i in range(0, len(raw), size)]
    k = packed["shape"][1]
    data["neighbour_words"] = [[data["words"][j] for j in flat[r * k:(r + 1) * k]]
                               for r in range(len(data["words"]))]
    return data


def run_chromium(binary: str, args: list[str], url: str, timeout: float):
    """(stdout, stderr, seconds) of one headless run with a fresh profile and a net log."""
    with tempfile.TemporaryDirectory(prefix="w2v-browser-") as tmp:
        netlog = Path(tmp) / "net.json"
        command = [binary, *FLAGS, f"--user-data-dir={tmp}/profile", f"--log-net-log={netlog}",
                   *args, url]
        start = time.perf_counter()
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                  errors="replace")
        except subprocess.TimeoutExpired:
            raise SystemExit(f"chromium did not finish within {timeout:.0f} s") from None
        seconds = time.perf_counter() - start
        requests = net_requests(netlog)
    return done.stdout, done.stderr, seconds, requests


def net_requests(netlog: Path) -> tuple[list[str], list[str]]:
    """(requests a document started, the browser's own requests) from a Chromium net log."""
    if not netlog.is_file():
        return ["(no net log written)"], []
    try:
        log = json.loads(netlog.read_text(encoding="utf-8", errors="replace"))
    except ValueError:  # a log cut short when the browser exits: close its event list
        text = netlog.read_text(encoding="utf-8", errors="replace").rstrip().rstrip(",")
        log = json.loads(text + "]}")
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    page, browser = [], []
    for event in log.get("events", []):
        params = event.get("params") or {}
        if event["type"] == start_job and "url" in params:
            own = params.get("initiator", "not an origin") == "not an origin"
            (browser if own else page).append(params["url"])
    return page, browser


def console_lines(stderr: str) -> list[str]:
    return [line.split("] ", 1)[-1] for line in stderr.splitlines() if ":CONSOLE" in line]


def self_test(binary, path: Path, word: str, data: dict, timeout: float, proj: str) -> list[str]:
    """Run the page's self-test; print what it saw; return the reasons it failed."""
    url = path.resolve().as_uri() + f"?proj={proj}&selftest=" + _quote(word)
    dom, stderr, seconds, (page_requests, own) = run_chromium(binary, ["--dump-dom"], url, timeout)
    m = re.search(r'<pre id="selftest"[^>]*>(.*?)</pre>', dom, re.S)
    result = json.loads(html.unescape(m.group(1))) if m and m.group(1).strip() else None
    problems = []
    if result is None:
        problems.append("the self-test wrote nothing (the page's script did not run?)")
        result = {}
    elif not result.get("ok"):
        problems.append(f"the self-test failed: {json.dumps(result)[:600]}")
    if word in data["words"]:
        expected = data["neighbour_words"][data["words"].index(word)]
        if result.get("neighbours") != expected:
            problems.append(f"the page lists {result.get('neighbours')}, the data has {expected}")
    console = console_lines(stderr)
    for name, items in [("console messages", console), ("script errors", result.get("errors")),
                        ("policy violations", result.get("blocked")),
                        ("resource loads", result.get("resources")),
                        ("network requests from the page", page_requests)]:
        if items:
            problems.append(f"{name}: {items[:5]}")
    pairs = ", ".join(f"{w} {c:.2f}" for w, c in zip(result.get("neighbours", []),
                                                     result.get("cosines", [])))
    print(f"self-test ({seconds:.1f} s): typed {word!r}, selected {result.get('selected')!r}, "
          f"zoom {result.get('zoom', 0):.1f}x, offset from the centre "
          f"{result.get('offset_from_centre')}, tooltip on hover {result.get('hover')!r}, "
          f"{result.get('labels_drawn')} labels drawn, {result.get('words')} words, "
          f"projection {result.get('projection')}")
    print(f"  neighbours listed: {pairs or '(none)'}")
    print(f"  wheel zoom at the word: {result.get('wheel')}; click on a neighbour: "
          f"{result.get('click')}")
    print(f"  console messages: {len(console)}; script errors: {len(result.get('errors', []))}; "
          f"policy violations: {len(result.get('blocked', []))}; resource loads: "
          f"{len(result.get('resources', []))}; network requests from the page: "
          f"{len(page_requests)} (the browser's own, never resolved: {len(own)})")
    return problems


def screenshot(binary, path: Path, word: str, png: Path, size: str, timeout: float, proj: str):
    url = path.resolve().as_uri() + f"?proj={proj}&q=" + _quote(word)
    args = [f"--screenshot={png.resolve()}", f"--window-size={size.replace('x', ',')}",
            "--hide-scrollbars"]
    _, stderr, seconds, (page_requests, _own) = run_chromium(binary, args, url, timeout)
    if not png.is_file():
        return [f"no screenshot written: {stderr.strip().splitlines()[-1:]}"]
    import numpy as np
    from matplotlib.image import imread

    pixels = (imread(png)[..., :3] * 255).round().astype(np.uint8)
    colours = len(np.unique(pixels.reshape(-1, 3), axis=0))
    inked = float((pixels.sum(axis=2) < 3 * 250).mean())
    print(f"screenshot ({seconds:.1f} s): {png} {pixels.shape[1]}x{pixels.shape[0]}, "
          f"{colours} colours, {100 * inked:.1f}% non-white, {png.stat().st_size:,} bytes")
    problems = [f"network requests from the page: {page_requests[:5]}"] if page_requests else []
    problems += [f"console messages: {c}" for c in console_lines(stderr)[:5]]
    if colours < 20 or inked < 0.005:
        problems.append(f"the screenshot looks blank ({colours} colours, {inked:.2%} non-white)")
    return problems


def _quote(word: str) -> str:
    from urllib.parse import quote

    return quote(word, safe="")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("html_file", type=Path)
    ap.add_argument("--screenshot", type=Path, help="write a PNG and check it is not blank")
    ap.add_argument("--word", help="the word to search [default: the 11th most frequent]")
    ap.add_argument("--size", default="1280x800", help="window size for the screenshot")
    ap.add_argument("--proj", default="svd", choices=["svd", "tsne"],
                    help="the projection to show (tsne if the page has it)")
    ap.add_argument("--chromium", help="the browser binary [default: Debian's chromium]")
    ap.add_argument("--timeout", type=float, default=120)
    args = ap.parse_args(argv)
    binary = find_chromium(args.chromium)
    if binary is None:
        print("chromium not found; install it (Debian: apt-get install -y chromium)",
              file=sys.stderr)
        return 2
    if not args.html_file.is_file():
        print(f"{args.html_file} does not exist", file=sys.stderr)
        return 2
    page = args.html_file.read_text(encoding="utf-8")
    data = embedded(page)
    word = args.word or data["words"][min(10, len(data["words"]) - 1)]
    external = sorted(set(m.group(0) for m in EXTERNAL.finditer(page)))
    print(f"{args.html_file}: {len(page.encode()):,} bytes, {len(data['words'])} words; "
          f"external references: {external or 'none'}")
    problems = [f"external references: {external}"] if external else []
    if args.proj not in data["coords"]:
        problems.append(f"the page has no {args.proj} projection")
    problems += self_test(binary, args.html_file, word, data, args.timeout, args.proj)
    if args.screenshot:
        problems += screenshot(binary, args.html_file, word, args.screenshot, args.size,
                               args.timeout, args.proj)
    for p in problems:
        print(f"FAIL: {p}")
    print("FAIL" if problems else "PASS")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

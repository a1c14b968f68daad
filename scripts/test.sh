#!/usr/bin/env bash
# Set up a fresh venv with the dev extra, then lint and run the test suite.
# This is README's test command; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${W2V_VENV:-.venv}
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q -e '.[dev]'
# fastText's package builds from source (a C++ compiler): without one, only its tests skip.
"$venv/bin/python" -m pip install -q -e '.[peers]' ||
    echo "note: fasttext could not be built (no C++ compiler?); its comparison tests are skipped"
"$venv/bin/ruff" check .
"$venv/bin/python" -m pytest -q "$@"

#!/usr/bin/env bash
# The main job on a fresh machine, offline: install w2v into .venv, write the built-in demo
# corpus, train on it, plot the 24 CS224n words and answer king - male + female.
# Safe to run again: the corpus and the run are replaced (--force).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${W2V_VENV:-.venv}
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
# Editable, like scripts/test.sh, so the two scripts share one venv in either order.
"$venv/bin/python" -m pip install -q -e .
w2v="$venv/bin/w2v"
"$w2v" demo runs/demo.txt --force
"$w2v" train runs/demo.txt --config demo --out runs/demo --force
"$w2v" plot --vectors runs/demo -o runs/demo/words.png --force
"$w2v" analogy --vectors runs/demo king male female
echo
echo "w2v is installed in $venv: run '$w2v --help', or 'source $venv/bin/activate' first."

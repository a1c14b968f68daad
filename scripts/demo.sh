#!/usr/bin/env bash
# The main job on a fresh machine, offline: install w2v into .venv, write the built-in demo
# corpus, train on it, plot the 24 CS224n words and answer king - male + female.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${W2V_VENV:-.venv}
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q .
w2v="$venv/bin/w2v"
"$w2v" demo runs/demo.txt
"$w2v" train runs/demo.txt --config configs/demo.toml --out runs/demo
"$w2v" plot --vectors runs/demo -o runs/demo/words.png
"$w2v" analogy --vectors runs/demo king male female

"""A small deterministic corpus with planted structure, so the main job runs offline.

Sentences are drawn from a few templates over real English words. The structure the CS224n
plot discusses is planted through the contexts words share:

- people: every person word has a gender, a rank and a partner of the other gender (king and
  queen, prince and princess...). Gender shows in the pronouns and kin words around it
  (he/his/father vs she/her/mother), rank in place and duty words (throne/crown vs
  village/farm), the pair in words the partners share (monarch, crowned). ``male`` and
  ``female`` carry the gender cues with neutral nouns only, so king - male + female lands on
  queen: the factors are independent by construction;
- weather (rain, snow, hail, ...) and drinks (coffee, tea, ...): topical groups with cue words;
- reviews: positive adjectives (great, wonderful, amazing, ...) with praise words, negative ones
  (boring, bad, dumb, annoying, ...) with complaint words;
- function words throughout, so subsampling has frequent words to act on.

>>> lines = list(generate(2_000, seed=1))
>>> lines == list(generate(2_000, seed=1))
True
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np

PEOPLE = {  # word: (gender, rank, pair): each pair shares its own cue words too
    "king": ("m", "royal", "monarch"), "queen": ("f", "royal", "monarch"),
    "prince": ("m", "royal", "heir"), "princess": ("f", "royal", "heir"),
    "emperor": ("m", "royal", "empire"), "empress": ("f", "royal", "empire"),
    "man": ("m", "common", "adult"), "woman": ("f", "common", "adult"),
    "boy": ("m", "common", "child"), "girl": ("f", "common", "child"),
    "farmer": ("m", "common", "farming"), "farmwife": ("f", "common", "farming"),
}
PAIR_CUES = {
    "monarch": ["monarch", "crowned", "majesty"], "heir": ["heir", "young", "succession"],
    "empire": ["empire", "conquest", "provinces"], "adult": ["adult", "grown", "career"],
    "child": ["school", "toys", "playground"], "farming": ["harvest", "tractor", "barn"],
}
GENDER_CUES = {
    "m": ["he", "his", "him", "himself", "father", "brother", "son", "husband", "uncle", "beard"],
    "f": ["she", "her", "hers", "herself", "mother", "sister", "daughter", "wife", "aunt", "dress"],
}
RANK_CUES = {
    "royal": ["throne", "crown", "palace", "kingdom", "reign", "court", "royal", "castle",
              "scepter", "subjects"],
    "common": ["village", "farm", "street", "market", "cottage", "field", "job", "neighbors",
               "wages", "town"],
}
NEUTRAL_NOUNS = ["doctor", "student", "teacher", "lion", "dog", "horse", "nurse", "singer",
                 "worker", "bird"]
GENDER_ADJECTIVES = {"m": "male", "f": "female"}
TOPICS = {
    "weather": (["rain", "snow", "hail", "storm", "fog", "sleet"],
                ["sky", "clouds", "cold", "wet", "fell", "winter", "umbrella", "forecast",
                 "wind", "roof"]),
    "drinks": (["coffee", "tea", "milk", "juice", "cocoa"],
               ["cup", "drink", "hot", "sugar", "mug", "brewed", "breakfast", "poured", "sip",
                "kitchen"]),
}
REVIEWS = {
    "good": (["great", "cool", "brilliant", "wonderful", "well", "amazing", "worth", "sweet",
              "enjoyable", "superb"],
             ["loved", "enjoyed", "recommend", "fun", "delight", "masterpiece", "charming",
              "moving", "praise", "applause"]),
    "bad": (["boring", "bad", "dumb", "annoying", "awful", "dull", "tedious"],
            ["hated", "waste", "avoid", "mess", "regret", "yawn", "disappointing", "walked",
             "refund", "mediocre"]),
}
FILLER = ["the", "a", "of", "and", "to", "in", "it", "was", "is", "that", "with", "on"]
FILMS = ["movie", "film", "story", "plot", "acting", "show", "script", "ending"]


def _pick(rng: np.random.Generator, words: list[str], n: int = 1) -> list[str]:
    return [words[i] for i in rng.integers(0, len(words), n)]


def _sentence(rng: np.random.Generator) -> list[str]:
    kind = rng.random()
    if kind < 0.40:  # a person, with gender and rank cues
        person = _pick(rng, list(PEOPLE))[0]
        gender, rank, pair = PEOPLE[person]
        words = ([person] + _pick(rng, GENDER_CUES[gender], 2) + _pick(rng, RANK_CUES[rank], 2)
                 + _pick(rng, PAIR_CUES[pair]))
    elif kind < 0.55:  # male / female with neutral nouns: gender cues only
        gender = "m" if rng.random() < 0.5 else "f"
        words = [GENDER_ADJECTIVES[gender]] + _pick(rng, NEUTRAL_NOUNS) + _pick(
            rng, GENDER_CUES[gender], 3)
    elif kind < 0.75:  # weather or drinks
        topic = TOPICS["weather" if rng.random() < 0.5 else "drinks"]
        words = _pick(rng, topic[0]) + _pick(rng, topic[1], 4)
    else:  # a review
        side = REVIEWS["good" if rng.random() < 0.5 else "bad"]
        words = _pick(rng, side[0], 2) + _pick(rng, FILMS) + _pick(rng, side[1], 2)
    words += _pick(rng, FILLER, 3)
    return [words[i] for i in rng.permutation(len(words))]


def generate(n_tokens: int = 300_000, seed: int = 0) -> Iterator[str]:
    """Yield lines (without newlines) until about ``n_tokens`` tokens are written."""
    rng = np.random.default_rng(seed)
    written = 0
    while written < n_tokens:
        words = _sentence(rng)
        written += len(words)
        yield " ".join(words)


def write(path, n_tokens: int = 300_000, seed: int = 0) -> Path:
    """Write the corpus to ``path`` atomically (temp file, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for line in generate(n_tokens, seed):
            f.write(line + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return path

"""A small deterministic corpus with planted structure, so the main job runs offline.

Sentences are filled-in templates over real English words, one per line, lower case, no
punctuation. The structure the CS224n plot discusses is planted through the contexts words
share, each factor through its own cue words:

- people: every person word has a gender, a rank and a partner of the other gender (king and
  queen, man and woman, ...). Gender shows in the pronouns and kin words around it
  (he/his/father vs she/her/mother), rank in place words (throne/palace vs village/market), the
  pair in an epithet both partners share (the reigning king, the reigning queen). ``male`` and
  ``female`` carry the gender cues with neutral nouns only, so king - male + female lands on
  queen: the factors are independent by construction;
- weather (rain, snow, hail, ...) and drinks (coffee, tea, ...): topical groups with cue words;
- reviews: positive adjectives (great, wonderful, amazing, ...) with praise words, negative ones
  (boring, bad, dumb, annoying, ...) with complaint words;
- function words throughout, so subsampling has frequent words to act on.

Every choice is made from one uniform double of ``Generator.random`` (PCG64), whose stream
numpy keeps stable, so a seed gives the same bytes on every machine and numpy version.

>>> draws = _Draws(0)
>>> _fill(draws, "the {person} sat on the {thing}", {"person": ["king"], "thing": ["throne"]})
['the', 'king', 'sat', 'on', 'the', 'throne']
>>> list(generate(40, seed=1)) == list(generate(40, seed=1))
True
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path

import numpy as np

from w2v.errors import CorpusError
from w2v.text.read import OPENERS
from w2v.util.atomic import atomic_write

PEOPLE = {  # word: (gender, rank, pair): each pair shares its own epithets too
    "king": ("m", "royal", "monarch"), "queen": ("f", "royal", "monarch"),
    "prince": ("m", "royal", "heir"), "princess": ("f", "royal", "heir"),
    "emperor": ("m", "royal", "empire"), "empress": ("f", "royal", "empire"),
    "man": ("m", "common", "adult"), "woman": ("f", "common", "adult"),
    "boy": ("m", "common", "child"), "girl": ("f", "common", "child"),
    "waiter": ("m", "common", "service"), "waitress": ("f", "common", "service"),
}
PAIR_CUES = {
    "monarch": ["reigning", "crowned", "anointed"], "heir": ["future", "noble", "youthful"],
    "empire": ["imperial", "conquering", "mighty"], "adult": ["grown", "married", "busy"],
    "child": ["little", "playful", "small"], "service": ["tired", "attentive", "polite"],
}
GENDER_CUES = {
    "m": {"subj": ["he"], "poss": ["his"], "obj": ["him"],
          "kin": ["father", "brother", "son", "uncle", "nephew", "grandfather"]},
    "f": {"subj": ["she"], "poss": ["her"], "obj": ["her"],
          "kin": ["mother", "sister", "daughter", "aunt", "niece", "grandmother"]},
}
RANK_CUES = {
    "royal": {"place": ["palace", "castle", "court", "kingdom", "realm"],
              "thing": ["throne", "crown", "scepter", "banquet", "jewels"]},
    "common": {"place": ["village", "farm", "street", "market", "cottage"],
               "thing": ["cart", "plough", "stall", "bread", "wages"]},
}
GENDER_ADJECTIVES = {"m": "male", "f": "female"}
NEUTRAL = {  # male and female describe these; they carry no rank and no pair
    "noun": ["doctor", "student", "teacher", "lion", "dog", "horse", "nurse", "singer", "worker",
             "bird"],
    "place": ["hospital", "library", "office", "station", "museum", "park", "river", "garden"],
}
VERBS = ["visited", "left", "guarded", "cleaned", "found", "painted", "described", "remembered"]
PERSON_TEMPLATES = [
    "the {pair} {person} and {poss} {kin} {verb} the {thing} in the {place}",
    "{subj} was the {pair} {person} of the {place} and {subj} {verb} the {thing}",
    "everyone in the {place} knew the {person} and {poss} {kin}",
    "the {person} {verb} the {thing} with {poss} {kin} and {poss} {kin2}",
    "in the {place} the {pair} {person} told {poss} {kin} that {subj} {verb} the {thing}",
]
GENDER_TEMPLATES = [
    "the {sex} {noun} and {poss} {kin} {verb} the {place}",
    "{subj} said the {sex} {noun} was {poss} {kin}",
    "a {sex} {noun} {verb} the {place} and {subj} saw {poss} {kin} there",
    "{subj} is a {sex} {noun} like {poss} {kin} and {poss} {kin2}",
]
TOPICS = {
    "weather": {
        "word": ["rain", "snow", "hail", "storm", "fog", "sleet", "wind"],
        "sky": ["sky", "clouds", "north", "hills"],
        "shelter": ["roof", "umbrella", "window", "porch", "trees"],
        "season": ["winter", "autumn", "weekend", "evening"],
        "adj": ["cold", "wet", "grey", "icy", "dark", "heavy"],
        "templates": [
            "the {word} came from the {adj} {sky} all night",
            "the forecast promised {word} and {word2} for the {season}",
            "{word} and {word2} hit the {shelter} under the {adj} {sky}",
            "we watched the {adj} {word} from under the {shelter}",
        ],
    },
    "drinks": {
        "word": ["coffee", "tea", "milk", "juice", "cocoa"],
        "vessel": ["cup", "mug", "pot", "glass", "jug"],
        "place": ["kitchen", "table", "counter", "tray"],
        "meal": ["breakfast", "brunch", "lunch", "supper"],
        "adj": ["hot", "warm", "fresh", "sugary", "strong", "chilled"],
        "templates": [
            "i poured a {adj} {vessel} of {word} in the {place}",
            "we drank {word} and {word2} at {meal} every day",
            "a {adj} {vessel} of {word} waited on the {place}",
            "they brewed {word} and we sipped the {adj} {word2}",
        ],
    },
}
REVIEWS = {
    "good": {
        "adj": ["great", "cool", "brilliant", "wonderful", "well", "amazing", "worth", "sweet",
                "enjoyable", "superb"],
        "verb": ["loved", "enjoyed", "admired", "cherished"],
        "noun": ["masterpiece", "delight", "treat", "triumph"],
        "templates": [
            "the {film} was {adj} and {adj2} and i {verb} it",
            "the {adj} {film} and the {adj2} {film2} made it a real {noun}",
            "i would recommend this {adj} {film} to everyone it is a {noun}",
            "we found the {film} {adj} and {verb} every minute of it",
        ],
    },
    "bad": {
        "adj": ["boring", "bad", "dumb", "annoying", "awful", "dull", "tedious"],
        "verb": ["hated", "regretted", "endured", "resented"],
        "noun": ["mess", "waste", "disaster", "chore"],
        "templates": [
            "the {film} was {adj} and {adj2} and i {verb} it",
            "the {adj} {film} and the {adj2} {film2} made it a total {noun}",
            "avoid this {adj} {film} at all costs it is a {noun}",
            "we found the {film} {adj} and {verb} every minute of it",
        ],
    },
}
FILMS = ["movie", "film", "story", "plot", "acting", "show", "script", "ending"]
# What fraction of the sentences each kind takes, in order: people, male/female, topics, reviews.
MIX = (0.40, 0.15, 0.20, 0.25)


class _Draws:
    """Uniform doubles in [0, 1) from ``np.random.Generator(PCG64(seed))``, fetched in blocks:
    a block of n doubles is the same stream as n single draws, without n calls into numpy."""

    BLOCK = 4096

    def __init__(self, seed: int):
        self._rng = np.random.Generator(np.random.PCG64(seed))
        self._block: list[float] = []
        self._next = 0

    def uniform(self) -> float:
        if self._next == len(self._block):
            self._block, self._next = self._rng.random(self.BLOCK).tolist(), 0
        self._next += 1
        return self._block[self._next - 1]


def _pick(draws: _Draws, words: list[str]) -> str:
    return words[int(draws.uniform() * len(words))]


def _fill(draws: _Draws, template: str, slots: dict[str, list[str]]) -> list[str]:
    """Replace each ``{name}`` with a random word of ``slots[name]``. ``{name2}`` draws a second,
    different word of the same list, so a template can ask for two words of one kind ("rain and
    snow", never "rain and rain")."""
    words, first = [], {}
    for token in template.split():
        if not token.startswith("{"):
            words.append(token)
            continue
        name = token[1:-1]
        if name.endswith("2"):
            words.append(_pick(draws, [w for w in slots[name[:-1]] if w != first.get(name[:-1])]))
        else:
            first[name] = _pick(draws, slots[name])
            words.append(first[name])
    return words


def _person(draws: _Draws) -> list[str]:
    person = _pick(draws, list(PEOPLE))
    gender, rank, pair = PEOPLE[person]
    slots = {"person": [person], "pair": PAIR_CUES[pair], "verb": VERBS, **RANK_CUES[rank],
             **GENDER_CUES[gender]}
    return _fill(draws, _pick(draws, PERSON_TEMPLATES), slots)


def _gender(draws: _Draws) -> list[str]:
    gender = "m" if draws.uniform() < 0.5 else "f"
    slots = {"sex": [GENDER_ADJECTIVES[gender]], "verb": VERBS, **NEUTRAL, **GENDER_CUES[gender]}
    return _fill(draws, _pick(draws, GENDER_TEMPLATES), slots)


def _topic(draws: _Draws) -> list[str]:
    topic = TOPICS["weather" if draws.uniform() < 0.5 else "drinks"]
    return _fill(draws, _pick(draws, topic["templates"]), topic)


def _review(draws: _Draws) -> list[str]:
    side = REVIEWS["good" if draws.uniform() < 0.5 else "bad"]
    return _fill(draws, _pick(draws, side["templates"]), {**side, "film": FILMS})


def _sentence(draws: _Draws) -> list[str]:
    u, cumulative = draws.uniform(), 0.0
    for kind, share in zip((_person, _gender, _topic, _review), MIX):
        cumulative += share
        if u < cumulative:
            return kind(draws)
    return _review(draws)  # u within rounding of 1.0


def generate(n_tokens: int = 300_000, seed: int = 0) -> Iterator[str]:
    """Lines (without newlines) until at least ``n_tokens`` tokens are out: the last sentence
    overshoots by less than one sentence (at most 13 tokens)."""
    if n_tokens < 1:
        raise CorpusError(f"ask the demo corpus for at least 1 token (got {n_tokens})")
    return _lines(n_tokens, _Draws(seed))


def _lines(n_tokens: int, draws: _Draws) -> Iterator[str]:
    written = 0
    while written < n_tokens:
        words = _sentence(draws)
        written += len(words)
        yield " ".join(words)


def write(path, n_tokens: int = 300_000, seed: int = 0, overwrite: bool = True) -> Path:
    """Write the corpus to ``path`` atomically (a temporary file in the same folder, synced,
    then renamed over ``path``, so a crash never leaves half a corpus under the final name),
    compressed when the name ends in ``.gz``, ``.bz2`` or ``.xz`` (as ``w2v train`` reads it).
    An existing file is replaced only if ``overwrite``."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise CorpusError(f"{path} already exists; use {{=force}} to overwrite it")
    lines = generate(n_tokens, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    opener = OPENERS.get(path.suffix.lower())
    with atomic_write(path, "wb") as raw, opener(raw, "wb") if opener else nullcontext(raw) as f:
        for block in _batched(lines, 4096):
            f.write("".join(line + "\n" for line in block).encode())
    return path


def _batched(items, n: int):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == n:
            yield batch
            batch = []
    if batch:
        yield batch

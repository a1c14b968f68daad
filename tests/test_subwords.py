"""Character n-grams and buckets against fastText itself (w2v/text/subwords.py).

Two references: values recorded from fastText 0.9 (the pip package), which always run, and the
package itself, asked live about many more words (skipped where it is not installed).
"""

import random

import pytest

from w2v.errors import ConfigError
from w2v.text.subwords import SubwordSpec, fnv1a_unsigned, ngram_hash, ngrams

# Recorded with fastText's own code, in /work/main/.venv:
#   m = fasttext.train_unsupervised("c.txt", model="skipgram", dim=10, epoch=1, minCount=1,
#                                   thread=1)   # c.txt: 200 lines of the words below, 11 words
#   m.get_subwords(word)  ->  (substrings, ids); ids of n-grams are nwords (11) + bucket
RECORDED_NWORDS = 11
RECORDED = {  # defaults: minn 3, maxn 6, bucket 2,000,000
    "hello": (3, ["<he", "<hel", "<hell", "<hello", "hel", "hell", "hello", "hello>", "ell",
                  "ello", "ello>", "llo", "llo>", "lo>"],
              [1188591, 128675, 1361319, 1760916, 1613753, 1198321, 1831734, 1068698, 1992355,
               798176, 1616892, 617353, 350923, 1504801]),
    "naïve": (1, ["<na", "<naï", "<naïv", "<naïve", "naï", "naïv", "naïve", "naïve>", "aïv",
                  "aïve", "aïve>", "ïve", "ïve>", "ve>"],
              [1806901, 1907703, 878201, 933212, 1590557, 1719415, 832054, 156698, 356843,
               1223018, 1505342, 1711581, 1788559, 1088665]),
    "日本語": (2, ["<日本", "<日本語", "<日本語>", "日本語", "日本語>", "本語>"],
            [758598, 4592, 524620, 35570, 928934, 1674366]),
    "😀ok": (8, ["<😀o", "<😀ok", "<😀ok>", "😀ok", "😀ok>", "ok>"],
            [973762, 632799, 1204713, 51157, 1591463, 307662]),
    "aaaa": (5, ["<aa", "<aaa", "<aaaa", "<aaaa>", "aaa", "aaaa", "aaaa>", "aaa", "aaa>", "aa>"],
             [542376, 394303, 1623514, 1440238, 991341, 481092, 1736848, 991341, 1689183,
              81974]),
    "</s>": (10, [], []),
    "unknownword": (None, None,  # out of the vocabulary: n-gram rows only
                    [1009783, 1928464, 958972, 791365, 1778990, 780994, 2195, 347128, 699339,
                     1136392, 159561, 903291, 436516, 1370933, 1456535, 762924, 728194, 426982,
                     430799, 1351740, 1661898, 1690339, 118688, 798512, 1541240, 392625,
                     1053767, 168083, 1109362, 1842458, 676348, 1860840, 1355478, 406280,
                     754436, 874923, 270533, 569842]),
}


@pytest.mark.parametrize("word", sorted(RECORDED))
def test_recorded_fasttext_ngrams_and_rows(word):
    word_id, grams, ids = RECORDED[word]
    spec = SubwordSpec()
    if grams is not None:
        assert ngrams(word) == grams
    expected = ([] if word_id is None else [word_id]) + ids
    assert spec.rows(word, word_id, RECORDED_NWORDS) == expected


def test_sign_extension_is_what_makes_non_ascii_match():
    # Textbook FNV-1a gives other buckets for every n-gram with a byte >= 0x80.
    for gram, bucket in zip(RECORDED["naïve"][1], RECORDED["naïve"][2]):
        assert ngram_hash(gram) % 2_000_000 == bucket - RECORDED_NWORDS
        unsigned = fnv1a_unsigned(gram.encode()) % 2_000_000
        assert (unsigned == bucket - RECORDED_NWORDS) == gram.isascii()


def test_characters_are_never_split():
    for word in ("日本語", "😀ok", "naïve", "e\u0301t\u00e9"):
        for gram in ngrams(word, 1, 6):
            assert gram.encode().decode() == gram  # every n-gram is whole UTF-8 characters
            assert 1 <= len(gram) <= 6


def test_minn_1_skips_the_markers_only():
    assert ngrams("ab", 1, 1) == ["a", "b"]
    assert ngrams("ab", 1, 2) == ["<a", "a", "ab", "b", "b>"]
    assert "<" not in ngrams("é", 1, 1) and ngrams("é", 1, 1) == ["é"]


@pytest.mark.parametrize("bad", [{"minn": -1}, {"maxn": 2.5}, {"buckets": 0}, {"minn": True}])
def test_bad_settings_are_config_errors(bad):
    with pytest.raises(ConfigError):
        SubwordSpec(**bad)


def test_no_ngrams_when_maxn_is_0():
    assert SubwordSpec(0, 0, 0).rows("word", 7, 10) == [7]
    assert SubwordSpec(0, 0, 0).rows("word", None, 10) == []


# ------------------------------------------------------------------- live, against fastText

ALPHABET = "abcdeé日本😀zü"  # ASCII, accented, CJK, emoji


def random_words(rng, n, longest=9):
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, longest)))
            for _ in range(n)]


def train_fasttext(folder, words, lines=300, **args):
    """A tiny fastText model over ``words`` (skipgram, dim 10, 1 epoch).

    10 threads, not 1: fastText's ``DenseMatrix::uniform`` initializes the input matrix in 10
    blocks, one per thread, so with ``thread=1`` only the first tenth is initialized and the
    rest is whatever memory held (training then fails now and then with "Encountered NaN").
    """
    fasttext = pytest.importorskip("fasttext")
    rng = random.Random(0)
    corpus = folder / "corpus.txt"
    corpus.write_text("\n".join(" ".join(rng.choice(words) for _ in range(10))
                                for _ in range(lines)) + "\n", encoding="utf-8")
    settings = dict(model="skipgram", dim=10, epoch=1, minCount=1, thread=10, verbose=0)
    return fasttext.train_unsupervised(str(corpus), **dict(settings, **args))


@pytest.mark.parametrize("minn, maxn, bucket", [(3, 6, 2_000_000), (1, 3, 1000), (2, 5, 97)])
def test_live_fasttext_rows(tmp_path, minn, maxn, bucket):
    rng = random.Random(minn)
    vocab = random_words(rng, 40)
    model = train_fasttext(tmp_path, vocab, minn=minn, maxn=maxn, bucket=bucket)
    spec, nwords = SubwordSpec(minn, maxn, bucket), len(model.words)
    for word in vocab + random_words(rng, 200) + ["</s>"]:
        word_id = model.get_word_id(word)
        grams, ids = model.get_subwords(word)
        known = word_id >= 0
        assert spec.rows(word, word_id if known else None, nwords) == ids.tolist(), word
        assert spec.ngrams(word) == (list(grams[1:]) if known else list(grams)), word

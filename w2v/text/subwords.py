"""Character n-grams of a word and their hash buckets, exactly as fastText computes them.

A word w is read as the text ``<`` + w + ``>`` (the markers are part of the text). Its n-grams
are the substrings of n *characters*, minn <= n <= maxn, where a character is one UTF-8
sequence: the text is walked as bytes, an n-gram only starts on a byte that is not a UTF-8
continuation byte (``10xxxxxx``), and it always takes a character's continuation bytes with it,
so no character is ever split. Two exceptions, both fastText's: a 1-gram that is one of the
markers (it starts the text or ends it) is skipped, and ``</s>`` (the end-of-line token) has no
n-grams at all. The order is fastText's: by start position, then by length.

An n-gram's bucket is ``hash(bytes) % buckets`` with fastText's 32-bit FNV-1a, which xors each
byte **sign-extended** to 32 bits (``uint32(int8(byte))``) instead of the byte itself: the
original code xored a (signed) ``char``, every published model was trained that way, and
fastText kept it (its issues #539, #553). For ASCII the two agree; for any byte >= 0x80 they
differ. In a model's input matrix the n-gram's row is (number of words) + bucket.

>>> ngrams("où", 3, 4)
['<où', '<où>', 'où>']
>>> [ngram_hash(g) % 2_000_000 for g in ngrams("où", 3, 4)]
[1867388, 845926, 1745676]

Words are encoded as UTF-8 with ``surrogateescape``, so a word read from a file that is not
valid UTF-8 (decoded with the same handler) gets the n-grams of its original bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from w2v.errors import ConfigError

BOW, EOW, EOS = "<", ">", "</s>"
MINN, MAXN, BUCKETS = 3, 6, 2_000_000  # fastText's skipgram/cbow defaults
FNV_OFFSET, FNV_PRIME = 2166136261, 16777619


def ngram_hash(ngram: str | bytes) -> int:
    """fastText's 32-bit FNV-1a, each byte sign-extended before the xor (see the module doc).

    >>> ngram_hash("abc") == fnv1a_unsigned(b"abc"), ngram_hash("é") == fnv1a_unsigned("é".encode())
    (True, False)
    """
    h = FNV_OFFSET
    for byte in _bytes(ngram):
        h ^= byte | 0xFFFFFF00 if byte & 0x80 else byte  # uint32(int8(byte))
        h = (h * FNV_PRIME) & 0xFFFFFFFF
    return h


def fnv1a_unsigned(data: bytes) -> int:
    """Textbook FNV-1a (bytes xored unsigned): NOT fastText's hash; kept to show the difference."""
    h = FNV_OFFSET
    for byte in data:
        h = ((h ^ byte) * FNV_PRIME) & 0xFFFFFFFF
    return h


def ngram_bytes(word: str | bytes, minn: int = MINN, maxn: int = MAXN) -> list[bytes]:
    """The n-grams of ``<word>`` as UTF-8 byte strings, in fastText's order; none for ``</s>``."""
    text = _bytes(word)
    if text == EOS.encode():
        return []
    text = BOW.encode() + text + EOW.encode()
    size, out = len(text), []
    for i in range(size):
        if text[i] & 0xC0 == 0x80:
            continue  # a continuation byte: not the start of a character
        j, n = i, 1
        while j < size and n <= maxn:
            j += 1
            while j < size and text[j] & 0xC0 == 0x80:
                j += 1  # the rest of this character
            if n >= minn and not (n == 1 and (i == 0 or j == size)):  # no lone marker
                out.append(text[i:j])
            n += 1
    return out


def ngrams(word: str | bytes, minn: int = MINN, maxn: int = MAXN) -> list[str]:
    """The n-grams of ``<word>`` as text, in fastText's order (repeats kept: ``aaaa`` has
    ``aaa`` twice).

    >>> ngrams("aaaa", 3, 3)
    ['<aa', 'aaa', 'aaa', 'aa>']
    """
    return [g.decode("utf-8", "surrogateescape") for g in ngram_bytes(word, minn, maxn)]


def _bytes(word: str | bytes) -> bytes:
    return word if isinstance(word, bytes) else word.encode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class SubwordSpec:
    """The three settings that decide a word's n-gram rows: ``minn``, ``maxn``, ``buckets``.

    ``maxn = 0`` (or ``maxn < minn``) means no n-grams: every word is its own row only, as in
    fastText's supervised models. ``minn = 0`` behaves as ``minn = 1``, as in fastText.
    """

    minn: int = MINN
    maxn: int = MAXN
    buckets: int = BUCKETS

    def __post_init__(self):
        for name in ("minn", "maxn", "buckets"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ConfigError(f"{name} must be a non-negative integer, got {value!r}")
        if self.has_ngrams and self.buckets < 1:
            raise ConfigError(f"n-grams of {self.minn} to {self.maxn} characters need buckets "
                              ">= 1, got 0")

    @property
    def has_ngrams(self) -> bool:
        return self.maxn >= max(self.minn, 1)

    def ngrams(self, word: str | bytes) -> list[str]:
        return ngrams(word, self.minn, self.maxn) if self.has_ngrams else []

    def buckets_of(self, word: str | bytes) -> list[int]:
        """The bucket of each n-gram of ``word``, in order, repeats kept (no vocabulary offset)."""
        if not self.has_ngrams:
            return []
        return [ngram_hash(g) % self.buckets for g in ngram_bytes(word, self.minn, self.maxn)]

    def rows(self, word: str | bytes, word_id: int | None, nwords: int) -> list[int]:
        """G_w, the input rows whose mean is the word's vector (fastText's ``getSubwords``): the
        word's own row if it is in the vocabulary (``word_id``), then ``nwords + bucket`` for
        each n-gram. A word outside the vocabulary has only its n-gram rows, which may be none.

        >>> SubwordSpec(3, 3, 10).rows("ab", 4, 5)
        [4, 13, 11]
        """
        own = [] if word_id is None else [int(word_id)]
        return own + [nwords + b for b in self.buckets_of(word)]

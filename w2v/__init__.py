"""w2v: a fast, trustworthy word2vec (skip-gram with negative sampling) trainer."""

__version__ = "0.1.0"

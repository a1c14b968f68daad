"""The library's error classes. The CLI turns them into one-line messages with exit code 1."""


class W2VError(Exception):
    """Base class: a failed operation the user can fix. The message says what to do."""


class ConfigError(W2VError):
    """A setting is unknown, of the wrong type, or out of range."""


class CorpusError(W2VError):
    """The corpus cannot be read or yields nothing to train on."""


class VocabError(W2VError):
    """The vocabulary is empty or a vocabulary file is malformed."""


class CheckpointError(W2VError):
    """A checkpoint is missing, corrupt, from another format version, or incompatible."""


class DivergenceError(W2VError):
    """Training produced NaN or inf weights."""


class VectorsError(W2VError):
    """A vectors file is malformed, or a query word is out of vocabulary."""

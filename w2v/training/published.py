"""Fine-tuning published vectors: a fresh run whose input rows start from a vectors file.

``train CORPUS --init vectors.bin --out RUN`` (a file: word2vec text or binary, GloVe, a
fastText ``.vec`` or ``.bin``, gzipped or not, read by ``Vectors.load``; a folder is a run,
``continued.py``) is a fresh run on CORPUS except for its starting weights:

- the vocabulary is the corpus's own, chosen as any fresh run's (``min_count``,
  ``max_vocab``, ``read_vocab``); the file's words that are not in it are left out, as
  gensim's ``intersect_word2vec_format`` does. Words match exactly: ``lowercase`` applies to
  the corpus, never to the file;
- the input row (``W_in``) of a word the file has is its vector there, every other word's is
  word2vec.c's fresh initialisation; the output rows start at zero, as a fresh run's (a file
  has none);
- ``dim`` is the file's: giving another is an error;
- with ``freeze`` the rows taken from the file never change: their lock factor
  (``Tables.lock``, gensim's ``vectors_lockf = 0``) is 0, so the kernels leave them as
  they are, while the output rows and the corpus's new words train.

The run state's ``init`` records the file (path, sha256, words, rows loaded) and the rows
loaded, kept in ``RUN/init-rows.npy`` (int32 word ids, written atomically, its format and
sha256 in the record), so a resumed run rebuilds its lock without the file. After that it is
an ordinary run: it checkpoints, resumes and can be given more epochs like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from w2v.config import Config
from w2v.errors import ConfigError, RunError, VectorsError
from w2v.run.hashed import sha256_file
from w2v.run.rundir import RunDir
from w2v.text.vocab import Vocab
from w2v.training.weights import init_weights
from w2v.util.atomic import atomic_write

ROWS_FILE = "init-rows.npy"
ROWS_FORMAT = 1  # int32 word ids of the rows loaded from the file, ascending, in a .npy
TAKES = ("{=init} takes a w2v run folder or a vectors file (word2vec text or binary, GloVe, "
         "fastText .vec or .bin)")


def from_file(init) -> bool:
    """Whether ``init`` names published vectors (anything but a folder, which is a run)."""
    return init is not None and not Path(init).is_dir()


@dataclass
class Published:
    """The vectors of the file ``init`` names, with its sha256."""

    path: Path
    words: list
    matrix: np.ndarray
    sha256: str

    @property
    def dim(self) -> int:
        return self.matrix.shape[1]


def read(init) -> Published:
    """The file's vectors, or a one-line ``RunError`` saying why they cannot be read."""
    from w2v.vectors.vectors import Vectors

    path = Path(init)
    if not path.exists():
        raise RunError(f"{path} does not exist: {TAKES}")
    try:
        vectors = Vectors.load(path)
        digest = sha256_file(path)
    except VectorsError as e:
        raise RunError(f"cannot start from {path}: {e.template}; {TAKES}") from None
    except (OSError, ValueError) as e:
        reason = getattr(e, "strerror", None) or e
        raise RunError(f"cannot read {path} ({reason}): {TAKES}") from None
    if not len(vectors):
        raise RunError(f"{path} holds no vectors: nothing to start from")
    return Published(path, vectors.words, vectors.vectors, digest)


def configure(settings, dim: int) -> Config:
    """The run's config: the settings given, with ``dim`` the file's (another is an error)."""
    given = settings.to_dict() if isinstance(settings, Config) else dict(settings)
    if given.get("dim", dim) != dim:
        raise ConfigError(f"{{=dim}} is {given['dim']}, but the vectors given to {{=init}} "
                          f"have dim {dim}; leave {{=dim}} out")
    return Config(**{**given, "dim": dim})


def check_freeze(cfg: Config, with_file: bool) -> None:
    """``freeze`` is about the rows a vectors file gives: it needs one."""
    if cfg.freeze and not with_file:
        raise ConfigError("{=freeze} keeps the rows loaded by {=init} from a vectors file "
                          "fixed: give {=init} a vectors file, or leave {=freeze} out")


def start_weights(rundir: RunDir, vocab: Vocab, pub: Published, cfg: Config, out_rows: int,
                  rng: np.random.Generator):
    """(W_in, W_out, the state's ``init`` record, a note): word2vec.c's fresh weights, then each
    vocabulary word the file has takes its vector as its input row; the rows loaded are saved
    in ``RUN/init-rows.npy``."""
    index = {w: i for i, w in enumerate(pub.words)}
    rows = np.array([i for i, w in enumerate(vocab.words) if w in index], dtype=np.int32)
    if not len(rows):
        raise RunError(f"{pub.path} shares no word with the corpus's {len(vocab):,}-word "
                       "vocabulary: nothing to start from (is one of them lowercased? "
                       "{=lowercase} applies to the corpus only)")
    W_in, W_out = init_weights(len(vocab), cfg.dim, out_rows, rng)
    W_in[rows] = pub.matrix[[index[vocab.words[r]] for r in rows.tolist()]]
    record = {"file": str(pub.path.resolve()), "sha256": pub.sha256,
              "file_words": len(pub.words), "rows_loaded": len(rows), "freeze": cfg.freeze,
              "rows": {"file": ROWS_FILE, "format": ROWS_FORMAT,
                       "sha256": _save_rows(rundir, rows)}}
    fixed = ", kept fixed ({=freeze})" if cfg.freeze else ""
    note = (f"starting from {pub.path}: {len(rows):,} of the {len(vocab):,} words take their "
            f"vectors from it{fixed}, {len(vocab) - len(rows):,} start fresh; "
            f"{len(pub.words) - len(rows):,} of its words are not in the vocabulary")
    return W_in, W_out, record, note


def _save_rows(rundir: RunDir, rows: np.ndarray) -> str:
    path = rundir.path / ROWS_FILE
    with atomic_write(path, "wb") as f:
        np.save(f, rows)
    return sha256_file(path)


def lock(comm, rundir: RunDir, cfg: Config, state, n_rows: int) -> np.ndarray | None:
    """W_in's lock factors for the kernels (``Tables.lock``): 0 for the rows a ``freeze`` run
    loaded from its file, read from ``RUN/init-rows.npy`` (checked against the record) by
    rank 0 and broadcast; None (every row trains) without ``freeze``."""
    if not cfg.freeze:
        return None
    factors = np.ones(n_rows, dtype=np.float32)
    rows = comm.agreed(lambda: comm.rank == 0 and load_rows(rundir, state.init or {}, n_rows))
    if comm.rank == 0:
        factors[rows] = 0.0
    comm.bcast_array(factors)
    return factors


def load_rows(rundir: RunDir, record: dict, n_rows: int) -> np.ndarray:
    """The rows a run loaded from its file, as its ``init`` record describes them."""
    path, kept = rundir.path / ROWS_FILE, record.get("rows") or {}
    redo = "start the run again ({=init} FILE {=freeze} {=force})"
    if kept.get("format") != ROWS_FORMAT:
        raise RunError(f"{rundir.path} has {{=freeze}} but no record of the rows its "
                       f"{{=init}} file gave (in a format this w2v reads): {redo}")
    if not path.is_file() or sha256_file(path) != kept.get("sha256"):
        raise RunError(f"{path} is missing or was changed since the run wrote it, so the rows "
                       f"{{=freeze}} keeps fixed are unknown: {redo}")
    rows = np.load(path)
    if rows.dtype != np.int32 or rows.ndim != 1 or (len(rows) and rows.max() >= n_rows):
        raise RunError(f"{path} does not hold the run's rows: {redo}")
    return rows

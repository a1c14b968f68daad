"""Reading fastText's ``.bin`` models (the format of the published cc.*.bin and wiki.*.bin).

The layout, as fastText's ``FastText::saveModel`` writes it (native byte order, little-endian
on every machine fastText ships for; ``int`` is 4 bytes, ``real`` is float32):

- ``int32`` magic 793712314, ``int32`` version (12; fastText reads any version <= 12);
- Args: ``int32`` dim, ws, epoch, minCount, neg, wordNgrams, loss (1 hs, 2 ns, 3 softmax,
  4 ova), model (1 cbow, 2 sg, 3 sup), bucket, minn, maxn, lrUpdateRate, then ``float64`` t;
- Dictionary: ``int32`` size, nwords, nlabels, ``int64`` ntokens, ``int64`` pruneidx_size;
  then ``size`` entries (the word's bytes, a 0 byte, ``int64`` count, ``int8`` type: 0 word,
  1 label), words first, most frequent first; then pruneidx_size (``int32``, ``int32``) pairs;
- ``bool`` quantized, then the input matrix: ``int64`` rows, ``int64`` cols, rows x cols
  float32, row-major: rows = nwords + bucket (the words' rows, then the n-gram buckets);
- ``bool`` qout, then the output matrix in the same layout.

Only unquantized models are read: a quantized one (``.ftz``, product-quantized rows) is refused,
as is a pruned dictionary without quantization, which fastText itself refuses ("Invalid model
file"). Version 11 supervised models use no n-grams (fastText sets maxn to 0 for them). The
input matrix is memory-mapped: a 7 GB cc.*.bin is not read into memory, and the file's size is
checked against the sizes its header gives before anything is mapped.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from w2v.errors import VectorsError
from w2v.text.subwords import SubwordSpec

MAGIC = 793712314
MAGIC_BYTES = struct.pack("<i", MAGIC)
VERSION = 12
ARGS = struct.Struct("<12id")  # dim ws epoch minCount neg wordNgrams loss model bucket minn maxn
ARG_NAMES = ("dim", "ws", "epoch", "min_count", "neg", "word_ngrams", "loss", "model", "bucket",
             "minn", "maxn", "lr_update_rate", "t")
LOSSES = {1: "hs", 2: "ns", 3: "softmax", 4: "ova"}
MODELS = {1: "cbow", 2: "sg", 3: "sup"}
DICT_HEAD = struct.Struct("<iiiqq")
ENTRY_TAIL = struct.Struct("<qb")
MATRIX_HEAD = struct.Struct("<qq")


@dataclass
class FastTextModel:
    """What w2v needs of a fastText model: its words (labels left out), their counts, the input
    matrix (``nwords + buckets`` rows: the words', then the n-gram buckets') and its n-gram
    settings; ``args`` holds the rest of fastText's settings, by w2v-style name."""

    words: list[str]
    counts: np.ndarray
    input: np.ndarray
    spec: SubwordSpec
    args: dict
    version: int


def is_fasttext_bin(head: bytes) -> bool:
    """Whether a file starting with ``head`` (at least 4 bytes) is a fastText model."""
    return head[:4] == MAGIC_BYTES


def read_fasttext_bin(path) -> FastTextModel:
    """The model in ``path``; a file that is not an unquantized fastText model of version <= 12
    is a one-line ``VectorsError`` saying what it is."""
    path = Path(path)
    if path.stat().st_size < 8:
        raise VectorsError(f"{path} is not a fastText model (it has fewer than 8 bytes)")
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        reader = _Reader(data, path)
        magic, version = reader.unpack(struct.Struct("<ii"))
        if magic != MAGIC:
            raise VectorsError(f"{path} is not a fastText model (no magic number {MAGIC})")
        if version > VERSION:
            raise VectorsError(f"{path} is a fastText model of version {version}; w2v reads "
                               f"versions up to {VERSION}")
        args = dict(zip(ARG_NAMES, reader.unpack(ARGS)))
        _check_args(args, path)
        if version == 11 and args["model"] == "sup":
            args["maxn"] = 0  # fastText: old supervised models use no character n-grams
        words, counts = _read_dictionary(reader, path)
        offset, rows = _input_matrix_place(reader, path, len(words), args)
    matrix = np.memmap(path, dtype="<f4", mode="r", offset=offset, shape=(rows, args["dim"]))
    spec = SubwordSpec(max(args["minn"], 0), max(args["maxn"], 0), max(args["bucket"], 0))
    return FastTextModel(words, counts, matrix, spec, args, version)


class _Reader:
    """Sequential reads from the mapped file; reading past its end says the file is truncated."""

    def __init__(self, data, path: Path):
        self.data, self.path, self.pos = data, path, 0

    def need(self, n: int) -> None:
        if self.pos + n > len(self.data):
            raise VectorsError(f"{self.path} is truncated: the fastText model ends at byte "
                               f"{len(self.data):,}, before its header says it does")

    def unpack(self, fmt: struct.Struct) -> tuple:
        self.need(fmt.size)
        values = fmt.unpack_from(self.data, self.pos)
        self.pos += fmt.size
        return values

    def cstring(self) -> bytes:
        end = self.data.find(b"\0", self.pos)
        if end < 0:
            self.need(len(self.data) + 1)
        word = self.data[self.pos:end]
        self.pos = end + 1
        return word


def _check_args(args: dict, path: Path) -> None:
    """Enums to names, and the values a damaged header would get wrong."""
    loss, model = LOSSES.get(args["loss"]), MODELS.get(args["model"])
    if loss is None or model is None or args["dim"] < 1 or args["bucket"] < 0:
        raise VectorsError(f"{path} has a damaged fastText header (dim {args['dim']}, loss "
                           f"{args['loss']}, model {args['model']}, bucket {args['bucket']})")
    args["loss"], args["model"] = loss, model


def _read_dictionary(reader: _Reader, path: Path) -> tuple[list[str], np.ndarray]:
    """The ``nwords`` words and counts; labels (supervised models) are read past and dropped."""
    size, nwords, nlabels, _ntokens, pruned = reader.unpack(DICT_HEAD)
    if not (0 <= nwords <= size and nwords + nlabels == size):
        raise VectorsError(f"{path} has a damaged fastText dictionary ({size} entries, "
                           f"{nwords} words, {nlabels} labels)")
    words, counts = [], np.zeros(nwords, dtype=np.int64)
    for i in range(size):
        word = reader.cstring()
        count, _kind = reader.unpack(ENTRY_TAIL)
        if i < nwords:  # fastText stores the words first, then the labels
            words.append(word.decode("utf-8", "surrogateescape"))
            counts[i] = count
    if pruned >= 0:
        raise VectorsError(f"{path} has a pruned fastText dictionary, which only quantized "
                           "models use; fastText refuses it too (its issue 332)")
    return words, counts


def _input_matrix_place(reader: _Reader, path: Path, nwords: int, args: dict) -> tuple[int, int]:
    """(byte offset, rows) of the input matrix, after checking that the file holds exactly the
    input matrix and the output matrix the header describes."""
    (quantized,) = reader.unpack(struct.Struct("<?"))
    if quantized:
        raise VectorsError(f"{path} is a quantized fastText model (.ftz); w2v reads only "
                           "unquantized .bin models")
    rows, cols = reader.unpack(MATRIX_HEAD)
    if cols != args["dim"] or rows != nwords + args["bucket"]:
        raise VectorsError(f"{path} has an input matrix of {rows} x {cols}; its header says "
                           f"{nwords} words + {args['bucket']} buckets of dim {args['dim']}")
    offset = reader.pos
    reader.need(rows * cols * 4)
    reader.pos += rows * cols * 4
    _qout, out_rows, out_cols = reader.unpack(struct.Struct("<?qq"))
    end = reader.pos + out_rows * out_cols * 4
    if out_rows < 0 or out_cols != cols or end != len(reader.data):
        raise VectorsError(f"{path} is {len(reader.data):,} bytes, but its fastText header "
                           f"describes {end:,}: the file is truncated or damaged")
    return offset, rows

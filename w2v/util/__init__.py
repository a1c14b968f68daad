"""Small helpers with no knowledge of word2vec: atomic writes, plain-text tables."""

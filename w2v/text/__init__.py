"""Text in, encoded ids out: reading files and streams (``read``), sentences of tokens
(``sentences``), the vocabulary (``vocab``) and the encoded corpus (``encoded``)."""

"""Trained vectors: file formats (``formats``), the query object (``vectors.Vectors``), top-k
selection (``topk``), evaluation (``evaluate``) and figures (``plot``)."""

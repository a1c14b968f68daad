"""The compiled kernels: one walk (``compose``) and its input and target sides."""

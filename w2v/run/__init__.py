"""The run folder: its layout and lock (rundir), checkpoints and the digests of its files
(checkpoint, hashed, integrity), and what it holds (info).

Below training and vectors: both read run folders, and this imports neither."""

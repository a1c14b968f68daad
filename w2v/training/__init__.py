"""Training: the run folder (``rundir``), checkpoints, the epoch loop (``loop``) that yields
progress events (``events``), and the session that ties a corpus, a config and a run folder
together (``session``)."""

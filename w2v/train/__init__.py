"""Training: the run folder (``rundir``), checkpoints, the epoch loop (``loop``) that yields
progress events (``events``), and the session that ties a corpus, a config and a run folder
together (``session``).

``w2v.train(corpus, ...)`` calls ``w2v.api.train``: the package is its own module type with a
``__call__``, because a function ``w2v.train`` in ``w2v/__init__.py`` would be replaced by this
package whenever one of its modules is first imported (the import system sets the attribute on
the parent). Nothing heavy is imported here: ``import w2v`` stays light.
"""

import sys
import types


class _CallablePackage(types.ModuleType):
    def __call__(self, *args, **kwargs):
        """Train word vectors: ``w2v.api.train`` (see its help)."""
        from w2v.api import train

        return train(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage

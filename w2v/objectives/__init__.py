"""The seed's math: word2vec losses and their true gradients as pure numpy functions.

One loss per file, cited by the equation numbers of seed 000 (``shared/seeds/000_*.txt``,
eqs 1-64; seed 001's question (h) covers repeated negatives):

    common.py     σ, log σ and softmax, computed stably
    softmax.py    naive softmax, eqs 1-43, single pair and batched
    ns.py         negative sampling, eqs 44-61, single pair and batched
    windows.py    skip-gram window sums, eqs 62-64, and how the seed's direction (the center
                  predicts each context) maps onto the kernels' (each context predicts the center)
    hs.py         hierarchical softmax: word2vec.c's Huffman tree and the path loss
    cbow.py       CBOW with NS and HS (true gradients, and word2vec.c's update direction)
    gradcheck.py  centered finite differences of all of the above: the ``w2v gradcheck``
                  table, the seed's rows and then gradcheck_extra.py's CBOW and HS rows;
                  checking.py holds the error measure both use

The seed stops at eq 64; ``docs/derivations.md`` derives CBOW and HS as eqs 65-122.

Nothing here takes a learning rate or mutates its inputs: the kernels apply ``-lr * grad``.

Shapes. The seeds write U as a ``d x |V|`` matrix whose *columns* are the outside vectors
``u_w``. w2v stores the outside vectors as *rows*: ``W_out`` has shape ``(|V|, d)`` and
``W_out[w]`` is ``u_w``; likewise ``W_in[c]`` is the center vector ``v_c``. So the seed's
``U @ y`` is ``W_out.T @ y`` here, and its ``dJ/dU`` (d x |V|) is our ``grad_U.T``.
"""

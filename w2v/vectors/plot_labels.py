"""Word labels on a scatter plot that stay inside the axes and clear of each other.

Greedy and deterministic: each label moves up or down from its point by whole label heights
until it touches no label placed before it, then the axes widen to hold every label; widening
brings points closer in pixels while offsets stay in points, so the two steps repeat. A label
that had to move gets a thin leader line to its point.
"""

from __future__ import annotations

LABEL_GAP = 3.0  # pixels kept clear around each word label (120 dpi), so no two labels touch


def place_labels(fig, ax, texts, rounds: int = 6) -> None:
    """Spread the labels apart, widen the axes to fit them, and repeat while two still touch:
    widening brings the points closer in pixels while the labels' offsets stay in points, so
    labels spread at the old scale can touch again (king/queen in the demo run did). Moved
    labels then get a thin leader line to their point."""
    start = [t.xyann for t in texts]
    for _ in range(rounds):
        _spread_labels(fig, texts, start)
        _fit_labels(fig, ax, texts)
        boxes = [t.get_window_extent() for t in texts]
        if not any(a.padded(LABEL_GAP).overlaps(b) for i, a in enumerate(boxes)
                   for b in boxes[i + 1 :]):
            break
    for t, xy in zip(texts, start):
        if t.xyann != xy:
            t.axes.annotate("", xy=t.xy, xytext=t.xyann, textcoords="offset points",
                            arrowprops={"arrowstyle": "-", "lw": 0.5, "color": "0.5"})


def _spread_labels(fig, texts, start, tries: int = 40) -> None:
    """Greedy: from its ``start`` offset, move each label up or down by whole label heights
    plus the gap until its box, padded by LABEL_GAP pixels, touches no label placed before it
    (``overlaps`` counts touching); if none of the ``tries`` is free, the one that touches
    fewest."""
    fig.canvas.draw()
    placed = []
    for t, (x0, y0) in zip(texts, start):
        t.xyann = (x0, y0)
        step = (t.get_window_extent().height + LABEL_GAP) * 72 / fig.dpi  # pixels -> points
        best = None
        for i in range(tries):
            t.xyann = (x0, y0 + step * ((i + 1) // 2) * (1 if i % 2 else -1))
            box = t.get_window_extent().padded(LABEL_GAP)
            touching = sum(box.overlaps(b) for b in placed)
            if best is None or touching < best[0]:
                best = (touching, t.xyann)
            if not touching:
                break
        t.xyann = best[1]
        placed.append(t.get_window_extent())


def _fit_labels(fig, ax, texts, rounds: int = 8) -> None:
    """Widen the axes until every label's box lies inside them (the assignment's plot clips
    labels at the edges). Widening moves the points, so repeat until nothing changes."""
    fig.canvas.draw()
    for _ in range(rounds):
        inv = ax.transData.inverted()
        boxes = [t.get_window_extent().transformed(inv) for t in texts]
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        nx0 = min([x0] + [b.x0 for b in boxes])
        nx1 = max([x1] + [b.x1 for b in boxes])
        ny0 = min([y0] + [b.y0 for b in boxes])
        ny1 = max([y1] + [b.y1 for b in boxes])
        if (nx0, nx1, ny0, ny1) == (x0, x1, y0, y1):
            return
        padx, pady = 0.02 * (nx1 - nx0), 0.02 * (ny1 - ny0)
        ax.set_xlim(nx0 - padx, nx1 + padx)
        ax.set_ylim(ny0 - pady, ny1 + pady)
        fig.canvas.draw()

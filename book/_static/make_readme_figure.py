"""Draw the README's figure: the running example, its critical points and two GD runs.

Run from the repository root: ``python book/_static/make_readme_figure.py``.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import landscape as ls


def main() -> None:
    f = ls.surface("running_example")
    grid = np.linspace(-2, 2, 301)
    xx, yy = np.meshgrid(grid, grid)
    zz = f.value(np.stack([xx, yy], axis=-1))

    fig, ax = plt.subplots(figsize=(6.4, 4.8), layout="constrained", facecolor="white")
    levels = np.linspace(-1, 8, 19)
    filled = ax.contourf(xx, yy, zz, levels=levels, cmap="viridis", extend="max")
    ax.contour(xx, yy, zz, levels=levels, colors="k", linewidths=0.3)
    fig.colorbar(filled, ax=ax, label="loss $f(x, y) = x^4 + y^4 - 4xy + 1$")
    for start, style, label in [
        ([1.5, -1.5 + 1e-3], dict(color="tab:cyan", lw=3.5), "GD from 0.001 away: escapes"),
        ([1.5, -1.5], dict(color="tab:red", lw=2, ls="--"), "GD from (1.5, -1.5): stalls"),
    ]:
        run = ls.minimize(f, np.array(start), ls.gd(0.05), 200)
        ax.plot(*run.params.T, label=label, **style)
    for point in f.critical_points:
        marker = "X" if point.kind == "saddle" else "o"
        ax.plot(*point.point, marker, color="black", ms=9, mec="white")
    ax.set(xlabel="$x$", ylabel="$y$", title="Two runs, one saddle")
    ax.legend(loc="upper left", fontsize=8)
    fig.savefig(Path(__file__).with_name("readme-landscape.png"), dpi=100)


if __name__ == "__main__":
    main()

"""Matplotlib helpers with one consistent style, for slices and training runs.

Every helper takes an optional ``ax`` (a new figure is made when it is ``None``), draws
into it and returns it, so a chapter can compose panels and add to them. Matplotlib is
imported only when a helper is called: ``import landscape`` stays light.

* :func:`~landscape.use_style`: the book's rcParams (solid white backgrounds, so figures
  stay readable in dark mode; a light grid; a readable font size).
* :func:`~landscape.plot_contour`: a 2-D :class:`~landscape.Slice` as filled contours,
  with a trajectory projected onto the plane and the slice's anchor points marked.
* :func:`~landscape.plot_surface`: a 2-D slice as a 3-D surface.
* :func:`~landscape.plot_profile`: one or several 1-D slices as curves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np

from landscape._validation import check_positive_int

__all__ = ["STYLE", "plot_contour", "plot_profile", "plot_surface", "use_style"]

STYLE: Mapping[str, Any] = MappingProxyType(
    {
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        "axes.facecolor": "white",
        "figure.dpi": 110,
        "font.size": 10,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
        "image.cmap": "viridis",
    }
)
"""The book's matplotlib rcParams (read-only); applied by :func:`use_style`."""


def use_style() -> None:
    """Apply the book's style (``landscape.plotting.STYLE``) to matplotlib's rcParams.

    Returns
    -------
    None

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import landscape as ls
    >>> ls.use_style()
    >>> plt.rcParams["savefig.facecolor"]
    'white'
    """
    import matplotlib as mpl

    mpl.rcParams.update(STYLE)


def _axes(ax: Any, projection: str | None = None) -> Any:
    import matplotlib.pyplot as plt

    if ax is not None:
        if projection == "3d" and getattr(ax, "name", "") != "3d":
            raise ValueError("`ax` must be a 3-D axes, e.g. fig.add_subplot(projection='3d').")
        return ax
    if projection == "3d":
        fig = plt.figure(figsize=(5.4, 4.4), layout="constrained")
        return fig.add_subplot(projection="3d")
    _, ax = plt.subplots(figsize=(5.2, 4.2), layout="constrained")
    return ax


def _require_slice(slice_: Any, ndim: int, name: str = "slice_") -> None:
    from landscape.slices import Slice

    if not isinstance(slice_, Slice):
        raise TypeError(f"`{name}` must be a Slice, got {type(slice_).__name__}.")
    if slice_.ndim != ndim:
        raise ValueError(f"`{name}` must be a {ndim}-D slice, got a {slice_.ndim}-D one.")


def _levels(losses: np.ndarray, levels: Any, log_scale: bool) -> np.ndarray:
    finite = losses[np.isfinite(losses)]
    low, high = float(finite.min()), float(finite.max())
    if not isinstance(levels, int | np.integer):
        return np.asarray(levels, dtype=float)
    levels = check_positive_int(levels, "levels", minimum=2)
    if high <= low:
        high = low + 1.0
    if log_scale:
        if low <= 0:
            raise ValueError(f"`log_scale=True` needs positive losses, the smallest is {low:.3g}.")
        return np.geomspace(low, high, levels)
    return np.linspace(low, high, levels)


def plot_contour(
    slice_: Any,
    *,
    ax: Any = None,
    trajectory: Any = None,
    levels: int | Sequence[float] = 20,
    log_scale: bool = False,
    colorbar: bool = True,
    mark_center: bool = True,
    point_labels: Sequence[str] | None = None,
    cmap: str = "viridis",
) -> Any:
    """Filled contours of a 2-D slice, with an optional trajectory projected onto it.

    Parameters
    ----------
    slice_ : Slice
        A 2-D slice (from :func:`~landscape.slice_2d` or
        :func:`~landscape.slice_through_points`).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when ``None``.
    trajectory : Trajectory or array_like, shape (m, d), optional
        Parameter vectors to overlay, projected onto the slice's plane with
        :meth:`~landscape.Slice.project` (a Trajectory needs recorded ``params``).
    levels : int or sequence of float, optional
        Number of contour levels between the smallest and largest loss, or the levels.
    log_scale : bool, optional
        Space the levels geometrically (losses must be positive).
    colorbar : bool, optional
        Add a colour bar labelled "loss".
    mark_center : bool, optional
        Mark the slice's centre with a white star.
    point_labels : sequence of str, optional
        Labels for the slice's anchor points (``slice_.points``), which are always marked.
    cmap : str, optional
        Matplotlib colour map.

    Returns
    -------
    ax : matplotlib.axes.Axes

    Raises
    ------
    TypeError
        If ``slice_`` is not a :class:`~landscape.Slice`.
    ValueError
        If the slice is not 2-D, the trajectory has no parameters or the wrong width,
        ``log_scale`` meets a non-positive loss, or ``point_labels`` has the wrong length.

    Examples
    --------
    >>> import numpy as np
    >>> import matplotlib.pyplot as plt
    >>> import landscape as ls
    >>> f = ls.surface("running_example")
    >>> s = ls.slice_2d(f, np.zeros(2), np.eye(2), bounds=(-2.0, 2.0), num_points=41)
    >>> ax = ls.plot_contour(s, trajectory=[[1.5, -1.5], [0.5, -0.5], [0.0, 0.0]])
    >>> ax.get_xlabel(), len(ax.lines)
    ('$\\\\alpha$', 4)
    >>> plt.close(ax.figure)
    """
    _require_slice(slice_, 2)
    ax = _axes(ax)
    losses = np.asarray(slice_.losses)
    lv = _levels(losses, levels, log_scale)
    norm = None
    if log_scale:
        from matplotlib.colors import LogNorm

        norm = LogNorm(vmin=lv[0], vmax=lv[-1])
    shown = np.clip(losses, lv[0], lv[-1])
    filled = ax.contourf(slice_.alphas, slice_.betas, shown, levels=lv, cmap=cmap, norm=norm)
    ax.contour(slice_.alphas, slice_.betas, shown, levels=lv, colors="k", linewidths=0.3)
    if colorbar:
        bar = ax.figure.colorbar(filled, ax=ax, label="loss")
        if log_scale:  # a few plain tick labels instead of one per level in 10^x form
            from matplotlib.ticker import FormatStrFormatter

            bar.set_ticks(lv[:: max(1, len(lv) // 5)])
            bar.ax.yaxis.set_major_formatter(FormatStrFormatter("%.3g"))
            bar.ax.minorticks_off()
    if trajectory is not None:
        coords = slice_.project(_trajectory_params(trajectory))
        ax.plot(coords[:, 0], coords[:, 1], color="white", lw=2.2)
        ax.plot(coords[:, 0], coords[:, 1], color="tab:red", lw=1.4, label="trajectory")
        ax.plot(coords[0, 0], coords[0, 1], "o", color="tab:red", mec="white", ms=6)
    if mark_center:
        ax.plot(0.0, 0.0, "*", color="white", mec="k", ms=12, ls="none")
    if slice_.points is not None:
        if point_labels is not None and len(point_labels) != len(slice_.points):
            raise ValueError(
                f"`point_labels` must have {len(slice_.points)} entries, got {len(point_labels)}."
            )
        ax.plot(*slice_.points.T, "o", color="white", mec="k", ms=8, ls="none")
        for i, (x, y) in enumerate(slice_.points):
            label = point_labels[i] if point_labels is not None else f"$\\theta_{i}$"
            ax.annotate(
                label,
                (x, y),
                xytext=(6, 6),
                textcoords="offset points",
                color="white",
                fontweight="bold",
            )
    ax.set(xlabel=r"$\alpha$", ylabel=r"$\beta$")
    ax.grid(False)
    return ax


def _trajectory_params(trajectory: Any) -> np.ndarray:
    from landscape.training import Trajectory

    if isinstance(trajectory, Trajectory):
        if trajectory.params is None:
            raise ValueError(
                "`trajectory` has no recorded parameters; run it with record_params=True."
            )
        return np.asarray(trajectory.params)
    return trajectory


def plot_surface(
    slice_: Any,
    *,
    ax: Any = None,
    cmap: str = "viridis",
    clip: float | None = None,
) -> Any:
    """A 2-D slice as a 3-D surface.

    Parameters
    ----------
    slice_ : Slice
        A 2-D slice.
    ax : mpl_toolkits.mplot3d.axes3d.Axes3D, optional
        A 3-D axes (``fig.add_subplot(projection="3d")``); a new figure when ``None``.
    cmap : str, optional
        Matplotlib colour map.
    clip : float, optional
        Draw losses above this value at this value (keeps a steep rim from flattening
        the picture).

    Returns
    -------
    ax : mpl_toolkits.mplot3d.axes3d.Axes3D

    Raises
    ------
    TypeError
        If ``slice_`` is not a :class:`~landscape.Slice`.
    ValueError
        If the slice is not 2-D or ``ax`` is not a 3-D axes.

    Examples
    --------
    >>> import numpy as np
    >>> import matplotlib.pyplot as plt
    >>> import landscape as ls
    >>> s = ls.slice_2d(ls.surface("saddle"), np.zeros(2), np.eye(2), num_points=11)
    >>> ax = ls.plot_surface(s)
    >>> ax.name, ax.get_zlabel()
    ('3d', 'loss')
    >>> plt.close(ax.figure)
    """
    _require_slice(slice_, 2)
    ax = _axes(ax, projection="3d")
    aa, bb = np.meshgrid(slice_.alphas, slice_.betas)
    losses = np.asarray(slice_.losses)
    if clip is not None:
        losses = np.minimum(losses, clip)
    ax.plot_surface(aa, bb, losses, cmap=cmap, linewidth=0, antialiased=True, alpha=0.95)
    ax.set(xlabel=r"$\alpha$", ylabel=r"$\beta$", zlabel="loss")
    return ax


def plot_profile(
    slices: Any,
    *,
    ax: Any = None,
    labels: Sequence[str] | None = None,
    log_scale: bool = False,
    **line_kwargs: Any,
) -> Any:
    """One or several 1-D slices as loss curves against their coordinate.

    Parameters
    ----------
    slices : Slice or sequence of Slice
        1-D slices.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when ``None``.
    labels : sequence of str, optional
        Legend labels, one per slice (default: each slice's ``label`` when there are
        several, none for one).
    log_scale : bool, optional
        Logarithmic loss axis.
    **line_kwargs
        Passed to every :meth:`~matplotlib.axes.Axes.plot` call (e.g. ``color``, ``lw``;
        a ``label`` here overrides ``labels``).

    Returns
    -------
    ax : matplotlib.axes.Axes

    Raises
    ------
    TypeError
        If an entry is not a :class:`~landscape.Slice`.
    ValueError
        If a slice is not 1-D or ``labels`` has the wrong length.

    Examples
    --------
    >>> import numpy as np
    >>> import matplotlib.pyplot as plt
    >>> import landscape as ls
    >>> f = ls.surface("double_well")
    >>> s = ls.slice_1d(f, [0.0], [1.0], bounds=(-1.6, 1.6), num_points=65)
    >>> ax = ls.plot_profile(s, color="k")
    >>> len(ax.lines), ax.get_ylabel()
    (1, 'loss')
    >>> plt.close(ax.figure)
    """
    many = isinstance(slices, Sequence)
    items = list(slices) if many else [slices]
    for i, item in enumerate(items):
        _require_slice(item, 1, f"slices[{i}]" if many else "slices")
    if labels is not None and len(labels) != len(items):
        raise ValueError(f"`labels` must have {len(items)} entries, got {len(labels)}.")
    ax = _axes(ax)
    for i, item in enumerate(items):
        label = labels[i] if labels is not None else (item.label if len(items) > 1 else None)
        ax.plot(item.alphas, item.losses, **{"label": label, **line_kwargs})
    if log_scale:
        ax.set_yscale("log")
    ax.set(xlabel=r"$\alpha$", ylabel="loss")
    if any(line.get_label() and not line.get_label().startswith("_") for line in ax.lines):
        ax.legend()
    return ax

"""Tests for landscape.plotting: every helper draws what it is given and returns its axes."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import landscape as ls


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def plane():
    f = ls.surface("running_example")
    return f, ls.slice_2d(f, np.zeros(2), np.eye(2), bounds=(-2.0, 2.0), num_points=21)


def test_use_style_gives_white_backgrounds():
    ls.use_style()
    for key, value in ls.plotting.STYLE.items():
        assert plt.rcParams[key] == value, key
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    buffer.seek(0)
    pixel = plt.imread(buffer)[0, 0]
    assert np.allclose(pixel[:3], 1.0) and pixel[3] == 1.0  # opaque white corner


def test_contour_draws_on_given_axes_with_projected_trajectory(plane):
    f, s = plane
    fig, ax = plt.subplots()
    path = ls.minimize(f, [1.5, -1.2], ls.gd(0.02), 40)
    returned = ls.plot_contour(s, ax=ax, trajectory=path, colorbar=False)
    assert returned is ax and len(fig.axes) == 1
    red = [line for line in ax.lines if line.get_label() == "trajectory"]
    assert len(red) == 1
    # the identity plane projects each point onto itself (rounding only)
    np.testing.assert_allclose(np.column_stack(red[0].get_data()), path.params, atol=1e-12)
    ls.plot_contour(s, ax=ax, trajectory=path.params, log_scale=False, levels=[-1, 0, 1, 5])
    assert len(fig.axes) == 2  # the colour bar


def test_contour_marks_anchor_points_with_labels():
    f = ls.surface("quadratic", dim=3)
    s = ls.slice_through_points(f, np.eye(3), num_points=11)
    ax = ls.plot_contour(s, point_labels=["A", "B", "C"], mark_center=False, log_scale=True)
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["A", "B", "C"]
    ax.figure.canvas.draw()
    ticks = [t.get_text() for t in ax.figure.axes[-1].get_yticklabels()]
    assert 2 <= len(ticks) <= 6 and not any("10^" in t for t in ticks), ticks  # plain labels
    marker_line = ax.lines[-1]
    np.testing.assert_allclose(np.column_stack(marker_line.get_data()), s.points)
    default = ls.plot_contour(s)
    assert [t.get_text() for t in default.texts] == [r"$\theta_0$", r"$\theta_1$", r"$\theta_2$"]
    with pytest.raises(ValueError, match="`point_labels` must have 3 entries"):
        ls.plot_contour(s, point_labels=["A"])


def test_surface_and_profile(plane):
    _, s = plane
    ax = ls.plot_surface(s, clip=5.0)
    assert ax.name == "3d"
    # clipped at 5 (autoscale adds a small margin); unclipped the rim reaches 49
    assert ax.get_zlim()[1] < 6.0
    assert ls.plot_surface(s).get_zlim()[1] > 40.0
    fig = plt.figure()
    ax3 = fig.add_subplot(projection="3d")
    assert ls.plot_surface(s, ax=ax3) is ax3
    f = ls.surface("double_well")
    one = ls.slice_1d(f, [0.0], [1.0], num_points=11)
    two = ls.slice_1d(f, [0.5], [1.0], num_points=11)
    ax = ls.plot_profile([one, two], labels=["a", "b"], log_scale=False)
    assert [line.get_label() for line in ax.lines] == ["a", "b"]
    np.testing.assert_allclose(ax.lines[1].get_ydata(), two.losses)
    assert ax.get_legend() is not None
    single = ls.plot_profile(one)
    assert single.get_legend() is None
    shifted = ls.slice_1d(f, [2.0], [1.0], bounds=(0.0, 1.0), num_points=5)
    assert ls.plot_profile(shifted, log_scale=True).get_yscale() == "log"


def test_plotting_rejects_bad_input(plane):
    _, s = plane
    line = ls.slice_1d(ls.surface("double_well"), [0.0], [1.0], num_points=5)
    with pytest.raises(TypeError, match="must be a Slice"):
        ls.plot_contour(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="must be a 2-D slice"):
        ls.plot_contour(line)
    with pytest.raises(ValueError, match=r"`slices\[1\]` must be a 1-D slice"):
        ls.plot_profile([line, s])
    with pytest.raises(ValueError, match="`labels` must have 1 entries"):
        ls.plot_profile(line, labels=["a", "b"])
    with pytest.raises(ValueError, match="must be a 3-D axes"):
        ls.plot_surface(s, ax=plt.subplots()[1])
    with pytest.raises(ValueError, match="needs positive losses"):
        ls.plot_contour(s, log_scale=True)
    with pytest.raises(ValueError, match="`levels` must be an integer >= 2"):
        ls.plot_contour(s, levels=1)
    bowl = ls.from_function(lambda t: float(t @ t), dim=2, grad=lambda t: 2 * t)
    traj = ls.minimize(bowl, [1.0, 1.0], ls.gd(0.1), 3, record_params=False)
    with pytest.raises(ValueError, match="record_params=True"):
        ls.plot_contour(s, trajectory=traj)

"""Tests for tracking the extreme Hessian eigenvalues along a trajectory."""

from __future__ import annotations

import numpy as np
import pytest

import landscape as ls


def test_track_curvature_matches_dense_eigenvalues_along_a_network_run():
    data = ls.teacher_student(30, widths=(2, 4, 1), noise=0.0, rng=0)
    f = ls.mlp_objective(ls.MLP((2, 3, 1), "tanh"), data.X, data.y)
    traj = ls.train(f, f.mlp.init(rng=0, scale=0.3), ls.gd(0.2), 60)
    points = traj.params[::10]
    track = ls.track_curvature(f, points, tol=1e-8)
    dense = np.array([np.linalg.eigvalsh(f.hessian(p))[[0, -1]] for p in points])
    assert track.min_converged.all() and track.max_converged.all()
    # Lanczos eigenvalues converge quadratically in the residual: 1e-10 is ample
    np.testing.assert_allclose(track.lambda_min, dense[:, 0], atol=1e-10)
    np.testing.assert_allclose(track.lambda_max, dense[:, 1], atol=1e-10)
    assert not track.lambda_min.flags.writeable


def test_track_curvature_warm_start_saves_products():
    data = ls.teacher_student(30, widths=(2, 4, 1), noise=0.0, rng=0)
    f = ls.mlp_objective(ls.MLP((2, 4, 1), "tanh"), data.X, data.y)
    traj = ls.train(f, f.mlp.init(rng=0), ls.gd(0.05), 40)
    points = traj.params[::4]
    warm = ls.track_curvature(f, points).num_matvecs
    cold = sum(ls.track_curvature(f, p[None, :]).num_matvecs for p in points)
    assert warm < 0.7 * cold, (warm, cold)


@pytest.mark.parametrize(
    ("thetas", "kwargs", "error", "match"),
    [
        (np.zeros((2, 2)), {}, ValueError, "thetas"),
        (np.zeros((2, 3)), {"tol": 0.0}, ValueError, "tol"),
        (np.zeros((2, 3)), {"max_matvecs": 0}, ValueError, "max_matvecs"),
        ("abc", {}, TypeError, "thetas"),
    ],
)
def test_track_curvature_rejects_bad_input(thetas, kwargs, error, match):
    with pytest.raises(error, match=match):
        ls.track_curvature(ls.QuarticSaddle([-1.0, 0.5, 2.0]), thetas, **kwargs)


def test_track_curvature_rejects_objectives_it_cannot_use():
    with pytest.raises(ValueError, match="d >= 2"):
        ls.track_curvature(ls.QuarticSaddle([-1.0]), np.zeros((2, 1)))

    class NoHvp:
        dim = 2

    with pytest.raises(TypeError, match="hvp"):
        ls.track_curvature(NoHvp(), np.zeros((1, 2)))

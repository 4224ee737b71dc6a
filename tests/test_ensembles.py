"""Many runs at once: equal to separate runs, divergence as data, basins and step counts."""

import numpy as np
import pytest

import landscape as ls

RULES = [
    ls.gd(0.02),
    ls.momentum(0.02, beta=0.8),
    ls.nesterov(0.02, beta=0.8),
    ls.adagrad(0.3),
    ls.rmsprop(0.01),
    ls.adam(0.05),
    ls.adamw(0.05, weight_decay=0.1),
    ls.adam_l2(0.05, weight_decay=0.1),
    ls.lion(0.01, weight_decay=0.1),
]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
@pytest.mark.parametrize("name", ["six_hump_camel", "running_example"])
def test_an_ensemble_equals_separate_runs(rule, name):
    f = ls.surface(name)
    starts = np.random.default_rng(0).uniform(-1.2, 1.2, size=(5, 2))
    before = starts.copy()
    runs = ls.run_ensemble(f, starts, rule, 30, record_params=True)
    np.testing.assert_array_equal(starts, before)  # the caller's array is untouched
    for j, start in enumerate(starts):
        single = ls.minimize(f, start, rule, 30)
        # Same arithmetic on a longer vector: identical up to a few roundings.
        np.testing.assert_allclose(runs.params[:, j], single.params, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(runs.losses[:, j], single.losses, rtol=1e-12, atol=1e-12)


def test_a_generic_objective_uses_row_by_row_gradients():
    bowl = ls.from_function(lambda t: float(t @ t), dim=2, grad=lambda t: 2 * t)
    runs = ls.run_ensemble(bowl, [[1.0, 2.0], [-4.0, 0.0]], ls.gd(0.25), 2)
    # Each step halves theta: closed form.
    np.testing.assert_allclose(runs.final_params, [[0.25, 0.5], [-1.0, 0.0]], rtol=0, atol=1e-15)


def test_diverged_runs_are_frozen_and_the_others_continue():
    well = ls.surface("double_well")
    runs = ls.run_ensemble(well, [[0.9], [40.0]], ls.gd(0.05), 100, record_params=True)
    assert runs.diverged.tolist() == [False, True]
    assert np.isnan(runs.final_params[1]).all() and np.isfinite(runs.final_params[0]).all()
    assert np.isnan(runs.losses[-1, 1]) and np.isfinite(runs.losses[-1, 0])
    assert runs.num_steps == 100
    assert "diverged=1" in repr(runs)


def test_divergence_threshold_and_all_diverged_stop_the_loop():
    bowl = ls.Quadratic(eigenvalues=[1.0])
    below = ls.run_ensemble(bowl, [[1.0]], ls.gd(2.5), 50, divergence_threshold=10.0)
    # |1 - 2.5| = 1.5 per step: the loss 0.5 * 1.5^(2t) passes 10 at t = 4, not 3.
    assert below.diverged.all() and below.num_steps == 4
    assert np.isnan(below.losses[-1]).all()


def test_tol_stops_early_and_steps_to_reduction_matches_the_rate():
    q = ls.Quadratic(eigenvalues=[2.0])
    runs = ls.run_ensemble(q, [[10.0], [-1.0]], ls.gd(0.1), 500, tol=1e-6)
    # The loss shrinks by 0.8^2 = 0.64 per step: 0.64^t <= 1e-6 first at t = 31.
    assert runs.num_steps == 31
    np.testing.assert_array_equal(runs.steps_to_reduction(1e-6), [31.0, 31.0])
    assert runs.steps_to_reduction(1e-7)[0] == np.inf  # stopped before getting there
    lifted = ls.from_function(lambda t: float(t[0] ** 2 + 3.0), dim=1, grad=lambda t: 2 * t)
    lifted_runs = ls.run_ensemble(lifted, [[10.0]], ls.gd(0.1), 40)
    assert lifted_runs.steps_to_reduction(1e-6, min_value=3.0)[0] == 31.0
    assert lifted_runs.steps_to_reduction(1e-6)[0] == np.inf  # measured from 0, not f* = 3


def test_basins_label_minima_divergence_and_elsewhere():
    well = ls.surface("double_well")
    minima = [p.point for p in well.critical_points if p.kind == "minimum"]
    runs = ls.run_ensemble(well, [[-0.5], [1.5], [40.0]], ls.gd(0.05), 300)
    assert runs.basins(minima).tolist() == [0, 1, -1]
    early = ls.run_ensemble(well, [[0.5]], ls.gd(0.05), 0)  # still at its start
    # Both sides of the radius: 0.5 is 0.4304 from the right minimum at 0.9304.
    assert early.basins(minima).tolist() == [-2]
    assert early.basins(minima, radius=0.44).tolist() == [1]
    assert early.basins(minima, radius=0.42).tolist() == [-2]


def test_bad_arguments_are_rejected():
    f = ls.surface("running_example")
    with pytest.raises(ValueError, match="coordinate by coordinate"):
        ls.run_ensemble(f, [[1.0, 1.0]], ls.clip_by_global_norm(ls.gd(0.1), 1.0), 3)
    with pytest.raises(ValueError, match="coordinate by coordinate"):
        ls.run_ensemble(f, [[1.0, 1.0]], ls.sam(ls.gd(0.1), 0.05), 3)
    with pytest.raises(TypeError, match="UpdateRule"):
        ls.run_ensemble(f, [[1.0, 1.0]], "gd", 3)
    with pytest.raises(TypeError, match="grad and batched values"):
        ls.run_ensemble(object(), [[1.0, 1.0]], ls.gd(0.1), 3)
    with pytest.raises(TypeError, match="positive integer `dim`"):
        _no_dim()
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        ls.run_ensemble(f, [1.0, 1.0, 1.0], ls.gd(0.1), 3)
    with pytest.raises(ValueError, match="tol"):
        ls.run_ensemble(f, [[1.0, 1.0]], ls.gd(0.1), 3, tol=1.5)
    with pytest.raises(ValueError, match="divergence_threshold"):
        ls.run_ensemble(f, [[1.0, 1.0]], ls.gd(0.1), 3, divergence_threshold=-1.0)
    runs = ls.run_ensemble(f, [[1.0, 1.0]], ls.gd(0.1), 3)
    with pytest.raises(ValueError, match="radius"):
        runs.basins([[1.0, 1.0]], radius=0.0)
    with pytest.raises(ValueError, match="reduction"):
        runs.steps_to_reduction(2.0)


def _no_dim():
    class NoDim:
        dim = None

        def grad(self, theta):
            return theta

        def values(self, thetas):
            return thetas[:, 0]

    ls.run_ensemble(NoDim(), [[1.0]], ls.gd(0.1), 3)

"""Tests for landscape.averaging: tail averages (SWA), uniform and greedy soups, bad input."""

from __future__ import annotations

import numpy as np
import pytest

import landscape as ls


def bowl(dim=2):
    return ls.from_function(lambda t: float(t @ t), dim=dim, grad=lambda t: 2.0 * t)


def classifier(seed=0):
    data = ls.gaussian_blobs(60, num_classes=3, spread=1.0, n_test=60, rng=seed)
    mlp = ls.MLP((2, 5, 3), "tanh")
    f = ls.mlp_objective(mlp, data.X, data.y, "cross_entropy")
    return f, f.with_data(data.X_test, data.y_test), mlp


def trajectory_with(params, steps):
    params = np.asarray(params, dtype=float)
    k = params.shape[0]
    nan = np.full(k, np.nan)
    return ls.Trajectory(
        steps=np.asarray(steps),
        params=params,
        losses=np.zeros(k),
        grad_norms=nan,
        update_norms=nan,
        learning_rates=nan,
        eval_losses={},
        batch_losses=None,
        final_params=params[-1],
        stop_reason="num_steps",
        num_grad_evals=k,
    )


# --------------------------------------------------------------------------------------
# tail averages


@pytest.mark.parametrize(
    ("fraction", "members"),
    [(1.0, [0, 10, 20, 30, 40]), (0.5, [20, 30, 40]), (0.3, [30, 40]), (0.01, [40])],
)
def test_tail_average_takes_the_records_in_the_last_fraction(fraction, members):
    params = np.arange(10.0).reshape(5, 2) ** 2
    run = trajectory_with(params, [0, 10, 20, 30, 40])
    average = ls.tail_average(run, fraction=fraction)
    np.testing.assert_array_equal(average.members, members)
    keep = np.isin([0, 10, 20, 30, 40], members)
    # a mean of a few exact values
    np.testing.assert_allclose(average.theta, params[keep].mean(axis=0), rtol=1e-15)
    assert average.num_members == len(members)


def test_tail_average_of_a_real_run():
    run = ls.minimize(bowl(1), [1.0], ls.gd(0.25), 4)  # iterates 2^-k
    average = ls.tail_average(run, fraction=0.5)
    assert average.theta[0] == pytest.approx((0.25 + 0.125 + 0.0625) / 3, rel=1e-15)
    with pytest.raises(ValueError, match="read-only"):
        average.theta[0] = 0.0


def test_averaging_within_a_basin_beats_the_average_loss():
    # SGD iterates around a minimum, where the loss is nearly convex: as Jensen's
    # inequality says for a convex loss, their average beats their average loss.
    f, _, mlp = classifier()
    theta = ls.train(f, mlp.init(0), ls.adam(0.05), 300, record_params=False).final_params
    run = ls.train(f, theta, ls.momentum(0.05), 200, batch_size=10, rng=0, record_every=10)
    average = ls.tail_average(run, fraction=0.5)
    tail = np.asarray(run.params)[np.isin(run.steps, average.members)]
    assert f.value(average.theta) < f.values(tail).mean()


def test_tail_average_bad_input():
    run = ls.minimize(bowl(1), [1.0], ls.gd(0.25), 4, record_params=False)
    with pytest.raises(ValueError, match="no recorded parameters"):
        ls.tail_average(run)
    with pytest.raises(TypeError, match="`trajectory` must be a Trajectory"):
        ls.tail_average(np.ones((3, 2)))
    good = ls.minimize(bowl(1), [1.0], ls.gd(0.25), 4)
    with pytest.raises(ValueError, match=r"`fraction` must lie in \(0, 1\]"):
        ls.tail_average(good, fraction=0.0)
    with pytest.raises(ValueError, match=r"`fraction` must lie in \(0, 1\]"):
        ls.tail_average(good, fraction=1.5)
    with pytest.raises(TypeError, match="`fraction` must be a real number"):
        ls.tail_average(good, fraction="half")
    diverged = trajectory_with([[1.0], [np.inf]], [0, 1])
    with pytest.raises(ValueError, match="non-finite parameters"):
        ls.tail_average(diverged)


# --------------------------------------------------------------------------------------
# soups


def test_uniform_soup_is_the_mean_and_leaves_inputs_alone():
    thetas = np.random.default_rng(0).standard_normal((4, 6))
    before = thetas.copy()
    soup = ls.uniform_soup(thetas)
    np.testing.assert_allclose(soup.theta, before.mean(axis=0), rtol=1e-15)
    np.testing.assert_array_equal(soup.members, np.arange(4))
    np.testing.assert_array_equal(thetas, before)
    assert soup.scores is None and soup.score is None
    assert repr(soup) == "WeightAverage(members=4, dim=6)"


def test_greedy_soup_by_loss_on_a_bowl():
    soup = ls.greedy_soup([[3.0], [-1.0], [1.0], [-8.0]], bowl(1), metric="loss")
    np.testing.assert_array_equal(soup.members, [1, 2])
    np.testing.assert_array_equal(soup.theta, [0.0])
    np.testing.assert_array_equal(soup.scores, [9.0, 1.0, 1.0, 64.0])
    assert soup.score == 0.0
    assert repr(soup) == "WeightAverage(members=2, dim=1, score=0)"


def reference_greedy(thetas, score):
    """Wortsman et al.'s recipe written out plainly, one score call per soup."""
    order = sorted(range(len(thetas)), key=lambda i: -score(thetas[i]))
    members = [order[0]]
    best = score(thetas[order[0]])
    for i in order[1:]:
        trial = np.mean([thetas[j] for j in [*members, i]], axis=0)
        if score(trial) >= best:
            members.append(i)
            best = score(trial)
    return members, best


@pytest.mark.parametrize("seed", range(3))
def test_greedy_soup_by_accuracy_matches_the_recipe(seed):
    f, held_out, mlp = classifier(seed)
    parent = ls.train(f, mlp.init(seed), ls.adam(0.05), 150, record_params=False).final_params
    kids = np.array(
        [
            ls.train(
                f, parent, ls.gd(0.5), 30, batch_size=8, rng=s, record_params=False
            ).final_params
            for s in range(5)
        ]
    )
    soup = ls.greedy_soup(kids, held_out)
    members, best = reference_greedy(kids, held_out.accuracy)
    np.testing.assert_array_equal(soup.members, members)
    assert soup.score == best
    np.testing.assert_array_equal(soup.scores, [held_out.accuracy(k) for k in kids])
    # the greedy soup never does worse on the held-out data than its best ingredient
    assert soup.score >= soup.scores.max()
    # and its recorded score is the score of its theta (members averaged in order)
    assert held_out.accuracy(soup.theta) == soup.score


def test_soups_bad_input():
    _, held_out, mlp = classifier()
    thetas = np.stack([mlp.init(0), mlp.init(1)])
    with pytest.raises(ValueError, match="`metric` must be one of 'accuracy', 'loss'"):
        ls.greedy_soup(thetas, held_out, metric="f1")
    with pytest.raises(TypeError, match="`held_out` must be an objective"):
        ls.greedy_soup(thetas, held_out.accuracy)
    with pytest.raises(ValueError, match=r"`held_out\.dim` is 33"):
        ls.greedy_soup(np.ones((2, 5)), held_out)
    data = ls.teacher_student(20, widths=(2, 3, 1), rng=0)
    regression = ls.mlp_objective(ls.MLP((2, 3, 1)), data.X, data.y)
    with pytest.raises(ValueError, match="needs a cross-entropy network objective"):
        ls.greedy_soup(np.ones((2, 13)), regression)
    assert ls.greedy_soup(np.ones((2, 13)), regression, metric="loss").num_members == 2
    with pytest.raises(ValueError, match="at least one vector"):
        ls.uniform_soup(np.ones((0, 3)))
    with pytest.raises(ValueError, match="finite"):
        ls.uniform_soup([[1.0, np.nan]])
    with pytest.raises(TypeError, match="array of real numbers"):
        ls.uniform_soup("soup")
    with pytest.raises(ValueError, match=r"shape \(n, d\)"):
        ls.greedy_soup(np.ones((2, 2, 2)), held_out)


def test_weight_average_record_freezes_copies_not_the_callers_arrays():
    theta, members, scores = np.ones(2), np.array([0, 1]), np.array([0.5, 0.7])
    record = ls.WeightAverage(theta, members, scores, 0.7)
    assert theta.flags.writeable and members.flags.writeable and scores.flags.writeable
    theta[0] = 5.0
    assert record.theta[0] == 1.0 and not record.theta.flags.writeable
    assert not record.scores.flags.writeable

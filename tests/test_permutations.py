"""Tests for landscape.permutations: function invariance, weight matching, counts, bad input."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import landscape as ls

ARCHITECTURES = [
    ((2, 5, 3), "tanh"),
    ((3, 4, 6, 2), "relu"),
    ((2, 3, 4, 5, 1), "gelu"),
    ((4, 7, 7, 3), "sigmoid"),
]


def net(widths, activation="tanh", seed=0):
    mlp = ls.MLP(widths, activation)
    rng = np.random.default_rng(seed)
    # random biases too, so that every unit is distinct and nothing sits on a ReLU kink
    return mlp, mlp.init(rng) + 0.1 * rng.standard_normal(mlp.num_params)


def inputs(mlp, n=25, seed=9):
    return np.random.default_rng(seed).standard_normal((n, mlp.widths[0]))


# --------------------------------------------------------------------------------------
# the symmetry


@pytest.mark.parametrize(("widths", "activation"), ARCHITECTURES)
def test_permuting_hidden_units_leaves_the_function_unchanged(widths, activation):
    mlp, theta = net(widths, activation)
    X = inputs(mlp)
    for seed in range(3):
        perms = ls.random_permutations(mlp, rng=seed)
        permuted = ls.permute_hidden_units(mlp, theta, perms)
        assert not np.array_equal(permuted, theta)
        # the same sums in another order: equal up to a few ulps of the outputs
        np.testing.assert_allclose(
            mlp.forward(permuted, X), mlp.forward(theta, X), rtol=0, atol=1e-14
        )
        # a permutation of the entries: same multiset of numbers, same norm
        np.testing.assert_array_equal(np.sort(permuted), np.sort(theta))


def test_a_permutation_moves_units_as_documented():
    mlp, theta = net((2, 3, 1))
    params = mlp.unpack(theta)
    perm = np.array([2, 0, 1])
    moved = mlp.unpack(ls.permute_hidden_units(mlp, theta, [perm]))
    np.testing.assert_array_equal(moved["layer0.weight"], params["layer0.weight"][perm])
    np.testing.assert_array_equal(moved["layer0.bias"], params["layer0.bias"][perm])
    np.testing.assert_array_equal(moved["layer1.weight"], params["layer1.weight"][:, perm])
    np.testing.assert_array_equal(moved["layer1.bias"], params["layer1.bias"])


def test_inverse_permutation_restores_theta_exactly():
    mlp, theta = net((3, 4, 6, 2))
    perms = ls.random_permutations(mlp, rng=1)
    there = ls.permute_hidden_units(mlp, theta, perms)
    back = ls.permute_hidden_units(mlp, there, [np.argsort(p) for p in perms])
    np.testing.assert_array_equal(back, theta)


def test_permute_does_not_modify_its_input():
    mlp, theta = net((2, 5, 3))
    before = theta.copy()
    perms = ls.random_permutations(mlp, rng=0)
    perms_before = [p.copy() for p in perms]
    ls.permute_hidden_units(mlp, theta, perms)
    np.testing.assert_array_equal(theta, before)
    for p, q in zip(perms, perms_before, strict=True):
        np.testing.assert_array_equal(p, q)


@pytest.mark.parametrize("hidden", [(2,), (3,), (2, 3), (1, 2, 2)])
def test_permutation_count_matches_enumeration(hidden):
    mlp, theta = net((2, *hidden, 1), seed=4)
    distinct = {
        ls.permute_hidden_units(mlp, theta, perms).tobytes()
        for perms in itertools.product(*(itertools.permutations(range(h)) for h in hidden))
    }
    count = ls.permutation_count(mlp)
    assert count.count == len(distinct)
    assert count.log10 == pytest.approx(math.log10(len(distinct)), abs=1e-12)


def test_permutation_count_of_wide_networks_is_exact():
    count = ls.permutation_count(ls.MLP((2, 64, 64, 10)))
    assert count.count == math.factorial(64) ** 2
    # lgamma in double precision against the exact big integer
    assert count.log10 == pytest.approx(math.log10(count.count), rel=1e-13)
    assert repr(ls.permutation_count(ls.MLP((2, 3, 4, 1)))) == (
        "PermutationCount(count=144, log10=2.1584)"
    )
    assert ls.permutation_count(ls.MLP((5, 2))).count == 1


# --------------------------------------------------------------------------------------
# weight matching


@pytest.mark.parametrize(("widths", "activation"), ARCHITECTURES)
def test_alignment_recovers_a_hidden_permutation(widths, activation):
    mlp, theta = net(widths, activation, seed=2)
    perms = ls.random_permutations(mlp, rng=5)
    shuffled = ls.permute_hidden_units(mlp, theta, perms)
    result = ls.align_networks(mlp, theta, shuffled)
    for found, hidden in zip(result.permutations, perms, strict=True):
        np.testing.assert_array_equal(found, np.argsort(hidden))
    np.testing.assert_array_equal(result.theta, theta)
    assert result.converged
    # perfect alignment: the similarity is ||theta||^2
    assert result.similarities[-1] == pytest.approx(theta @ theta, rel=1e-12)


@pytest.mark.parametrize(("widths", "activation"), ARCHITECTURES)
def test_aligned_network_computes_the_same_function(widths, activation):
    mlp, theta_a = net(widths, activation, seed=0)
    _, theta_b = net(widths, activation, seed=1)
    result = ls.align_networks(mlp, theta_a, theta_b, rng=3)
    X = inputs(mlp)
    # reordered sums only
    np.testing.assert_allclose(
        mlp.forward(result.theta, X), mlp.forward(theta_b, X), rtol=0, atol=1e-12
    )
    assert np.all(np.diff(result.similarities) >= 0)
    assert result.similarities.size == result.num_sweeps + 1
    # maximizing the inner product is minimizing the distance (equal norms)
    assert np.linalg.norm(theta_a - result.theta) <= np.linalg.norm(theta_a - theta_b)
    gap = np.linalg.norm(theta_a - result.theta) ** 2
    expected = theta_a @ theta_a + theta_b @ theta_b - 2 * result.similarities[-1]
    assert gap == pytest.approx(expected, rel=1e-10)  # cancellation in a difference of sums


@pytest.mark.parametrize("seed", range(4))
def test_one_hidden_layer_alignment_is_the_global_optimum(seed):
    mlp, theta_a = net((3, 5, 2), seed=seed)
    _, theta_b = net((3, 5, 2), seed=seed + 10)
    best = max(
        (theta_a @ ls.permute_hidden_units(mlp, theta_b, [np.array(p)]), p)
        for p in itertools.permutations(range(5))
    )
    result = ls.align_networks(mlp, theta_a, theta_b)
    # the optimum value is unique for generic weights; compare values to rounding
    assert result.similarities[-1] == pytest.approx(best[0], rel=1e-12)
    np.testing.assert_array_equal(result.permutations[0], best[1])
    assert result.num_sweeps <= 2


@pytest.mark.parametrize("seed", range(3))
def test_two_layer_alignment_is_a_coordinatewise_optimum(seed):
    mlp, theta_a = net((2, 3, 4, 2), seed=seed)
    _, theta_b = net((2, 3, 4, 2), seed=seed + 20)
    result = ls.align_networks(mlp, theta_a, theta_b, rng=seed)
    found = [np.array(p) for p in result.permutations]
    checked = 0
    for layer, width in enumerate((3, 4)):
        for p in itertools.permutations(range(width)):
            trial = list(found)
            trial[layer] = np.array(p)
            value = theta_a @ ls.permute_hidden_units(mlp, theta_b, trial)
            # no single-layer change improves the matching, up to rounding
            assert value <= result.similarities[-1] + 1e-12
            checked += 1
    assert checked == math.factorial(3) + math.factorial(4)


def test_sweep_limit_and_convergence_flag():
    mlp, theta = net((2, 8, 8, 2), seed=0)
    shuffled = ls.permute_hidden_units(mlp, theta, ls.random_permutations(mlp, rng=0))
    one = ls.align_networks(mlp, theta, shuffled, max_sweeps=1)
    assert one.num_sweeps == 1 and not one.converged  # the first sweep changed something
    full = ls.align_networks(mlp, theta, shuffled)
    assert full.converged and full.num_sweeps >= 2
    assert full.similarities[-1] >= one.similarities[-1]


def test_alignment_is_deterministic_for_a_seed():
    mlp, theta_a = net((2, 6, 6, 6, 2), seed=0)
    _, theta_b = net((2, 6, 6, 6, 2), seed=1)
    one = ls.align_networks(mlp, theta_a, theta_b, rng=11)
    two = ls.align_networks(mlp, theta_a, theta_b, rng=11)
    np.testing.assert_array_equal(one.theta, two.theta)
    np.testing.assert_array_equal(one.similarities, two.similarities)


def test_alignment_without_hidden_layers_is_the_identity():
    mlp, theta_a = net((3, 2))
    _, theta_b = net((3, 2), seed=1)
    result = ls.align_networks(mlp, theta_a, theta_b)
    assert result.permutations == () and result.num_sweeps == 0 and result.converged
    np.testing.assert_array_equal(result.theta, theta_b)


def test_alignment_does_not_modify_inputs_and_freezes_its_record():
    mlp, theta_a = net((2, 4, 2))
    _, theta_b = net((2, 4, 2), seed=1)
    a0, b0 = theta_a.copy(), theta_b.copy()
    result = ls.align_networks(mlp, theta_a, theta_b)
    np.testing.assert_array_equal(theta_a, a0)
    np.testing.assert_array_equal(theta_b, b0)
    with pytest.raises(ValueError, match="read-only"):
        result.theta[0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        result.permutations[0][0] = 1
    assert repr(result).startswith("Alignment(hidden_widths=(4,), num_sweeps=")


# --------------------------------------------------------------------------------------
# bad input


def test_networks_of_different_architectures_are_refused():
    mlp, theta_a = net((2, 4, 2))
    _, theta_other = net((2, 5, 2))
    with pytest.raises(ValueError, match="`theta_b` has 27 parameters but the network"):
        ls.align_networks(mlp, theta_a, theta_other)
    with pytest.raises(ValueError, match="both networks must have the architecture"):
        ls.align_networks(mlp, theta_other, theta_a)
    with pytest.raises(ValueError, match="`theta` has 27 parameters"):
        ls.permute_hidden_units(mlp, theta_other, [np.arange(4)])


def test_bad_arguments():
    mlp, theta = net((2, 4, 3, 2))
    with pytest.raises(TypeError, match="`mlp` must be an MLP"):
        ls.align_networks((2, 4, 3, 2), theta, theta)
    with pytest.raises(TypeError, match="`mlp` must be an MLP"):
        ls.permutation_count((2, 4, 2))
    with pytest.raises(TypeError, match="`mlp` must be an MLP"):
        ls.random_permutations("mlp")
    bad = theta.copy()
    bad[3] = np.nan
    with pytest.raises(ValueError, match="`theta_b` must contain only finite values"):
        ls.align_networks(mlp, theta, bad)
    with pytest.raises(ValueError, match="`theta` must contain only finite values"):
        ls.permute_hidden_units(mlp, bad, [np.arange(4), np.arange(3)])
    with pytest.raises(ValueError, match="`max_sweeps` must be an integer >= 1"):
        ls.align_networks(mlp, theta, theta, max_sweeps=0)
    with pytest.raises(TypeError, match="`rng` must be an int seed"):
        ls.align_networks(mlp, theta, theta, rng=1.5)


@pytest.mark.parametrize(
    ("perms", "error", "match"),
    [
        (np.arange(4), TypeError, "sequence of integer index arrays"),
        ("0123", TypeError, "sequence of integer index arrays"),
        ([np.arange(4)], ValueError, "must hold 2 arrays"),
        ([np.arange(4), np.arange(4)], ValueError, r"permutations\[1\]` must be a permutation"),
        ([np.array([0, 1, 1, 3]), np.arange(3)], ValueError, "permutation of 0..3"),
        ([np.arange(4.0), np.arange(3)], TypeError, "must hold integers"),
        ([np.ones(4, bool), np.arange(3)], TypeError, "must hold integers"),
    ],
)
def test_bad_permutations(perms, error, match):
    mlp, theta = net((2, 4, 3, 2))
    with pytest.raises(error, match=match):
        ls.permute_hidden_units(mlp, theta, perms)


def test_alignment_record_freezes_copies_not_the_callers_arrays():
    theta, sims, perm = np.arange(3.0), np.array([1.0, 2.0]), np.array([1, 0])
    record = ls.Alignment(theta, (perm,), sims, 1, True)
    assert theta.flags.writeable and sims.flags.writeable and perm.flags.writeable
    perm[0] = 0
    assert record.permutations[0].tolist() == [1, 0]
    assert not record.permutations[0].flags.writeable and not record.theta.flags.writeable

"""Tests for the closed-form surfaces: derivatives, vectorization, known critical points."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy.optimize import rosen, rosen_der, rosen_hess, rosen_hess_prod

import landscape as ls

# Every registered surface, plus non-default parameters where a surface has them.
CASES = [
    ("running_example", {}),
    ("saddle", {}),
    ("monkey_saddle", {}),
    ("rosenbrock", {}),
    ("rosenbrock", {"dim": 5}),
    ("rosenbrock", {"a": 2.0, "b": 10.0}),
    ("himmelblau", {}),
    ("six_hump_camel", {}),
    ("rastrigin", {}),
    ("rastrigin", {"dim": 4, "amplitude": 3.0}),
    ("quadratic", {}),
    ("quadratic", {"condition_number": 50.0, "dim": 4, "rng": 3}),
    ("quadratic", {"condition_number": 5.0, "rotation": 0.3, "lambda_max": 2.0}),
    ("quadratic", {"eigenvalues": [-1.0, 0.5, 2.0]}),
    ("double_well", {}),
]
IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for name, kw in CASES]


def _random_points(f: ls.Surface, num: int, seed: int) -> np.ndarray:
    box = np.array(f.domain)
    rng = np.random.default_rng(seed)
    return box[:, 0] + (box[:, 1] - box[:, 0]) * rng.random((num, f.dim))


def _fd_hessian(f: ls.Surface, theta: np.ndarray) -> np.ndarray:
    # Central differences of the exact gradient, step eps^(1/3) * max(1, |theta|).
    h = np.finfo(float).eps ** (1 / 3) * max(1.0, float(np.linalg.norm(theta)))
    cols = []
    for i in range(f.dim):
        e = np.zeros(f.dim)
        e[i] = h
        cols.append((f.grad(theta + e) - f.grad(theta - e)) / (2 * h))
    return np.column_stack(cols)


def test_cases_cover_every_registered_surface():
    assert {name for name, _ in CASES} == set(ls.surface_names())


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=IDS)
def test_gradient_matches_finite_differences(name, kwargs):
    f = ls.surface(name, **kwargs)
    for i, theta in enumerate(_random_points(f, 4, seed=1)):
        check = ls.check_grad(f, theta, rng=i)
        # check_grad's default tol 1e-6 is ~100x central-difference error here.
        assert check.ok, (name, theta, check)


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=IDS)
def test_hvp_matches_finite_differences(name, kwargs):
    f = ls.surface(name, **kwargs)
    for i, theta in enumerate(_random_points(f, 4, seed=2)):
        check = ls.check_hvp(f, theta, rng=i)
        assert check.ok, (name, theta, check)


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=IDS)
def test_dense_hessian_matches_finite_differences(name, kwargs):
    f = ls.surface(name, **kwargs)
    for theta in _random_points(f, 3, seed=3):
        exact, fd = f.hessian(theta), _fd_hessian(f, theta)
        scale = max(1.0, float(np.max(np.abs(exact))))
        # Central differences of an exact gradient: error ~1e-10 relative; 1e-6 is slack.
        assert np.max(np.abs(exact - fd)) <= 1e-6 * scale, (name, exact, fd)
        np.testing.assert_array_equal(exact, exact.T)


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=IDS)
def test_vectorized_calls_equal_pointwise_calls(name, kwargs):
    f = ls.surface(name, **kwargs)
    grid = _random_points(f, 12, seed=4).reshape(3, 4, f.dim)
    values, grads, hessians = f.value(grid), f.grad(grid), f.hess(grid)
    assert values.shape == (3, 4)
    assert grads.shape == (3, 4, f.dim)
    assert hessians.shape == (3, 4, f.dim, f.dim)
    for i in range(3):
        for j in range(4):
            point = grid[i, j]
            # Same arithmetic on a different array layout: equal to rounding.
            np.testing.assert_allclose(values[i, j], f.value(point), rtol=1e-13, atol=1e-13)
            np.testing.assert_allclose(grads[i, j], f.grad(point), rtol=1e-13, atol=1e-12)
            np.testing.assert_allclose(hessians[i, j], f.hessian(point), rtol=1e-13)
    batch = grid.reshape(-1, f.dim)
    np.testing.assert_allclose(f.values(batch), values.ravel(), rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=IDS)
def test_hvp_equals_dense_hessian_product(name, kwargs):
    f = ls.surface(name, **kwargs)
    rng = np.random.default_rng(5)
    for theta in _random_points(f, 3, seed=5):
        v = rng.standard_normal(f.dim)
        expected = f.hessian(theta) @ v
        # Structured products (tridiagonal, diagonal) reorder a few sums.
        np.testing.assert_allclose(f.hvp(theta, v), expected, rtol=1e-12, atol=1e-10)


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=IDS)
def test_single_point_returns_float_and_vectors(name, kwargs):
    f = ls.surface(name, **kwargs)
    theta = _random_points(f, 1, seed=6)[0]
    assert type(f.value(theta)) is float
    assert f.grad(theta).shape == (f.dim,)
    assert f.hessian(theta).shape == (f.dim, f.dim)
    assert f.hvp(theta, np.ones(f.dim)).shape == (f.dim,)


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=IDS)
def test_known_critical_points_have_zero_gradient_and_stated_kind(name, kwargs):
    f = ls.surface(name, **kwargs)
    assert f.critical_points, name
    for cp in f.critical_points:
        g = f.grad(cp.point)
        curvature = max(1.0, float(np.max(np.abs(f.hessian(cp.point)))))
        # Closed forms are exact to rounding; Newton-located points were polished to
        # ~1e-14 gradient norm. 1e-12 per unit curvature separates both from a typo.
        assert np.linalg.norm(g) <= 1e-12 * curvature, (name, cp, g)
        assert ls.classify(f.hessian(cp.point)).kind == cp.kind, (name, cp)
        np.testing.assert_allclose(f.value(cp.point), cp.value, rtol=1e-13, atol=1e-13)


COMPLETE = [
    (name, kw)
    for name, kw in CASES
    if ls.surface(name, **kw).critical_points_complete and ls.surface(name, **kw).dim <= 2
]


@pytest.mark.parametrize(("name", "kwargs"), COMPLETE)
def test_complete_sets_are_what_newton_finds_from_a_dense_grid(name, kwargs):
    f = ls.surface(name, **kwargs)
    # One grid point per ~0.3 units finds every basin of attraction of these surfaces;
    # surfaces with a single critical point need only a coarse grid.
    num = 5 if len(f.critical_points) == 1 else (15 if f.dim == 2 else 41)
    starts = ls.grid_starts(f.domain, num)
    found = ls.find_critical_points(f, starts)
    stored = np.array([cp.point for cp in f.critical_points])
    assert len(found) == len(stored), (name, found)
    for p in found:
        distance = np.min(np.linalg.norm(stored - p.point, axis=1))
        # Degenerate points converge linearly, so allow 1e-6; isolated ones are ~1e-15.
        assert distance <= 1e-6, (name, p)


def test_running_example_points_solve_x9_equals_x():
    f = ls.surface("running_example")
    # grad = 0 gives y = x^3, x = y^3, so x^9 = x: real roots 0, +-1.
    roots = np.roots([1, 0, 0, 0, 0, 0, 0, 0, -1, 0])
    real = np.sort(roots[np.abs(roots.imag) < 1e-9].real)
    np.testing.assert_allclose(real, [-1.0, 0.0, 1.0], atol=1e-9)
    xs = sorted(cp.point[0] for cp in f.critical_points)
    np.testing.assert_allclose(xs, real, atol=1e-9)
    for cp in f.critical_points:
        assert cp.point[1] == cp.point[0] ** 3 and cp.exact


def test_double_well_points_are_the_roots_of_the_derivative():
    f = ls.surface("double_well")
    roots = np.sort(np.roots([4.0, 0.0, -4.0, 0.5]).real)  # independent of the trig formula
    stored = np.array([cp.point[0] for cp in f.critical_points])
    np.testing.assert_allclose(stored, roots, rtol=1e-12)
    kinds = [cp.kind for cp in f.critical_points]
    assert kinds == ["minimum", "maximum", "minimum"]
    depths = [cp.value for cp in f.critical_points if cp.kind == "minimum"]
    assert depths[0] < depths[1]  # the left well is the deeper, global one


def test_double_well_accepts_a_scalar_point():
    f = ls.surface("double_well")
    assert f.value(0.5) == f.value([0.5])
    assert f.grad(np.linspace(-1, 1, 5)[:, None]).shape == (5, 1)


def test_six_hump_camel_matches_the_published_optimum():
    # Published (Molga and Smutnicki 2005; Surjanovic and Bingham's library):
    # x* = (0.0898, -0.7126) and (-0.0898, 0.7126), f* = -1.0316, to 4 decimals.
    f = ls.surface("six_hump_camel")
    best = [cp for cp in f.critical_points if cp.value == min(c.value for c in f.critical_points)]
    assert len(best) == 2
    for cp in best:
        assert abs(abs(cp.point[0]) - 0.0898) < 5e-5 and abs(abs(cp.point[1]) - 0.7126) < 1e-4
        assert np.sign(cp.point[0]) == -np.sign(cp.point[1])
        assert round(cp.value, 4) == -1.0316
    # Values on a dense grid never go below the stored global minimum.
    grid = ls.grid_starts(f.domain, 301)
    assert f.values(grid).min() >= best[0].value


def test_himmelblau_minima_zero_both_squares():
    f = ls.surface("himmelblau")
    minima = [cp for cp in f.critical_points if cp.kind == "minimum"]
    assert len(minima) == 4 and sum(cp.exact for cp in f.critical_points) == 1
    for cp in minima:
        x, y = cp.point
        # Value 0 means x^2 + y - 11 = 0 and x + y^2 - 7 = 0 (to the stored digits).
        assert abs(x**2 + y - 11) < 1e-13 and abs(x + y**2 - 7) < 1e-13


@pytest.mark.parametrize("dim", [2, 3, 6])
def test_rosenbrock_matches_scipy(dim):
    f = ls.surface("rosenbrock", dim=dim)
    rng = np.random.default_rng(dim)
    for x in rng.uniform(-2, 2, size=(4, dim)):
        v = rng.standard_normal(dim)
        # scipy's rosen family is an independent implementation of a=1, b=100.
        np.testing.assert_allclose(f.value(x), rosen(x), rtol=1e-13)
        np.testing.assert_allclose(f.grad(x), rosen_der(x), rtol=1e-12, atol=1e-10)
        np.testing.assert_allclose(f.hessian(x), rosen_hess(x), rtol=1e-12, atol=1e-10)
        np.testing.assert_allclose(f.hvp(x, v), rosen_hess_prod(x, v), rtol=1e-12, atol=1e-9)


def test_rosenbrock_minimum_moves_with_a():
    f = ls.surface("rosenbrock", a=2.0)
    (cp,) = f.critical_points
    np.testing.assert_array_equal(cp.point, [2.0, 4.0])
    assert ls.surface("rosenbrock", dim=3, a=2.0).critical_points == ()
    assert not ls.surface("rosenbrock", dim=3).critical_points_complete


def test_monkey_saddle_is_degenerate_but_changes_sign():
    f = ls.surface("monkey_saddle")
    np.testing.assert_array_equal(f.hessian([0.0, 0.0]), np.zeros((2, 2)))
    t = np.linspace(-1, 1, 11)
    for angle in (0.0, np.pi / 3, 2 * np.pi / 3):
        line = np.stack([t * np.cos(angle), t * np.sin(angle)], axis=-1)
        values = f.value(line)
        # f = r^3 cos(3 phi): odd along every line through the origin.
        np.testing.assert_allclose(values, -values[::-1], atol=1e-15)
        assert values[-1] * values[0] < 0


def test_quadratic_spectrum_and_basis():
    q = ls.surface("quadratic", condition_number=100.0, dim=5, lambda_max=3.0, rng=0)
    lam = np.linalg.eigvalsh(q.matrix)
    np.testing.assert_allclose(lam, q.eigenvalues, rtol=1e-12)
    np.testing.assert_allclose(lam[-1], 3.0, rtol=1e-12)
    np.testing.assert_allclose(lam[-1] / lam[0], 100.0, rtol=1e-12)
    np.testing.assert_allclose(q.eigenvectors.T @ q.eigenvectors, np.eye(5), atol=1e-12)
    assert q.condition_number == 100.0


def test_quadratic_rotation_sets_the_first_eigenvector():
    q = ls.surface("quadratic", condition_number=4.0, rotation=np.pi / 6)
    u = np.array([np.cos(np.pi / 6), np.sin(np.pi / 6)])
    np.testing.assert_allclose(q.matrix @ u, q.eigenvalues[0] * u, atol=1e-12)
    assert q.eigenvalues[0] == 0.25


def test_quadratic_random_basis_is_reproducible_and_seed_dependent():
    a = ls.surface("quadratic", dim=3, rng=7).matrix
    b = ls.surface("quadratic", dim=3, rng=7).matrix
    c = ls.surface("quadratic", dim=3, rng=8).matrix
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


@pytest.mark.parametrize(
    ("eigenvalues", "kind", "complete"),
    [
        ([1.0, 2.0], "minimum", True),
        ([-1.0, -2.0], "maximum", True),
        ([-1.0, 2.0], "saddle", True),
        ([0.0, 2.0], "degenerate", False),
    ],
)
def test_quadratic_with_given_eigenvalues(eigenvalues, kind, complete):
    q = ls.surface("quadratic", eigenvalues=eigenvalues)
    (cp,) = q.critical_points
    assert cp.kind == kind and q.critical_points_complete is complete


def test_rastrigin_global_minimum_and_lattice_values():
    f = ls.surface("rastrigin", dim=3)
    assert f.value(np.zeros(3)) == 0.0
    # At integer points the cosine is 1, so f = sum x_i^2.
    np.testing.assert_allclose(f.value([1.0, -2.0, 0.0]), 5.0, atol=1e-12)


def test_surface_inputs_are_not_mutated():
    f = ls.surface("rosenbrock", dim=4)
    theta = np.array([0.5, -0.5, 1.5, 0.25])
    v = np.array([1.0, 2.0, 3.0, 4.0])
    grid = np.tile(theta, (2, 3, 1))
    copies = theta.copy(), v.copy(), grid.copy()
    f.value(theta), f.grad(theta), f.hessian(theta), f.hvp(theta, v)
    f.value(grid), f.grad(grid), f.hess(grid), f.values(grid[0])
    for original, copy in zip((theta, v, grid), copies, strict=True):
        np.testing.assert_array_equal(original, copy)


def test_known_critical_point_is_frozen_and_read_only():
    cp = ls.surface("running_example").critical_points[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        cp.value = 3.0
    with pytest.raises(ValueError, match="read-only"):
        cp.point[0] = 5.0
    assert repr(cp) == "KnownCriticalPoint(point=[-1, -1], value=-1, kind='minimum', exact=True)"


def test_quadratic_arrays_are_read_only():
    q = ls.surface("quadratic")
    for arr in (q.matrix, q.eigenvalues, q.eigenvectors):
        with pytest.raises(ValueError, match="read-only"):
            arr[0] = 1.0


def test_reprs_are_compact():
    assert repr(ls.surface("saddle")) == "Saddle(dim=2)"
    assert repr(ls.surface("rosenbrock", dim=3)) == "Rosenbrock(dim=3, a=1, b=100)"
    assert repr(ls.surface("rastrigin")) == "Rastrigin(dim=2, amplitude=10)"
    assert repr(ls.surface("quadratic")) == "Quadratic(dim=2, eigenvalues=[0.1, 1])"


def test_surface_names_and_classes_agree():
    for name in ls.surface_names():
        f = ls.surface(name)
        assert f.name == name and isinstance(f, ls.Surface) and isinstance(f, ls.Objective)


# -- errors ----------------------------------------------------------------------------
def test_unknown_name_lists_the_valid_names():
    with pytest.raises(ValueError, match=r"'running_example'.*'double_well'"):
        ls.surface("banana")


def test_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError, match="'saddle' does not accept dim; it accepts no keyword"):
        ls.surface("saddle", dim=3)
    with pytest.raises(TypeError, match="does not accept alpha; it accepts dim, a, b"):
        ls.surface("rosenbrock", alpha=1.0)


@pytest.mark.parametrize(
    ("bad", "error", "match"),
    [
        ([1.0, 2.0, 3.0], ValueError, r"shape \(\.\.\., 2\)"),
        (np.ones((4, 3)), ValueError, r"shape \(\.\.\., 2\)"),
        (1.0, ValueError, "got a scalar"),
        ([1.0, np.nan], ValueError, "finite"),
        ([np.inf, 0.0], ValueError, "finite"),
        ("1, 2", TypeError, "real numbers"),
        ([1 + 2j, 0.0], TypeError, "real"),
        (None, TypeError, "real numbers"),
    ],
)
def test_bad_points_are_rejected(bad, error, match):
    f = ls.surface("running_example")
    for method in (f.value, f.grad, f.hess):
        with pytest.raises(error, match=match):
            method(bad)


def test_single_point_methods_reject_batches_and_bad_vectors():
    f = ls.surface("running_example")
    with pytest.raises(ValueError, match="1-D vector"):
        f.hessian(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="`v` must have length 2"):
        f.hvp([0.0, 0.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"`thetas` must have shape \(n, 2\)"):
        f.values(np.zeros((3, 3)))


@pytest.mark.parametrize(
    ("name", "kwargs", "error", "match"),
    [
        ("rosenbrock", {"dim": 1}, ValueError, "`dim` must be an integer >= 2"),
        ("rosenbrock", {"dim": 2.5}, TypeError, "`dim` must be an integer"),
        ("rosenbrock", {"b": 0.0}, ValueError, "`b` must be positive"),
        ("rosenbrock", {"a": "one"}, TypeError, "`a` must be a real number"),
        ("rastrigin", {"dim": 0}, ValueError, "`dim` must be an integer >= 1"),
        ("rastrigin", {"amplitude": -1.0}, ValueError, "`amplitude` must be positive"),
        (
            "quadratic",
            {"condition_number": 0.5},
            ValueError,
            "`condition_number` must be >= 1",
        ),
        ("quadratic", {"lambda_max": 0.0}, ValueError, "`lambda_max` must be positive"),
        (
            "quadratic",
            {"dim": 1, "condition_number": 3.0},
            ValueError,
            "must be 1 when `dim`",
        ),
        ("quadratic", {"dim": 3, "rotation": 0.1}, ValueError, "needs `dim` = 2"),
        ("quadratic", {"rotation": 0.1, "rng": 0}, ValueError, "at most one of `rotation`"),
        ("quadratic", {"rotation": "x"}, TypeError, "`rotation` must be a real number"),
        ("quadratic", {"eigenvalues": [1.0, 2.0], "lambda_max": 2.0}, ValueError, "either"),
        ("quadratic", {"eigenvalues": [1.0, 2.0, 3.0], "dim": 2}, ValueError, "length 2"),
        ("quadratic", {"rng": "seed"}, TypeError, "`rng` must be an int seed"),
    ],
)
def test_bad_parameters_are_rejected(name, kwargs, error, match):
    with pytest.raises(error, match=match):
        ls.surface(name, **kwargs)


def test_known_critical_point_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="`kind` must be one of 'minimum'"):
        ls.KnownCriticalPoint([0.0], 0.0, "valley")

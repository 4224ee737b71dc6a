"""Tests for critical-point classification, search and escape directions."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import landscape as ls


def _rotated(eigenvalues, seed: int = 0) -> np.ndarray:
    d = len(eigenvalues)
    q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((d, d)))
    return (q * np.asarray(eigenvalues, dtype=float)) @ q.T


# -- classify --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("eigenvalues", "kind", "index", "num_zero"),
    [
        ([1.0, 2.0, 3.0], "minimum", 0, 0),
        ([-1.0, -2.0], "maximum", 2, 0),
        ([-4.0, 4.0], "saddle", 1, 0),
        ([-1.0, -2.0, 5.0], "saddle", 2, 0),
        ([-1.0, 0.0, 1.0], "saddle", 1, 1),  # both signs: a saddle despite the zero
        ([0.0, 1.0, 2.0], "degenerate", 0, 1),
        ([-1.0, 0.0], "degenerate", 1, 1),
        ([0.0, 0.0], "degenerate", 0, 2),
        ([7.0], "minimum", 0, 0),
    ],
)
def test_classify_reads_the_signs_of_the_spectrum(eigenvalues, kind, index, num_zero):
    for seed in range(3):
        result = ls.classify(_rotated(eigenvalues, seed))
        assert (result.kind, result.index, result.num_zero) == (kind, index, num_zero)
        assert result.nondegenerate is (num_zero == 0)
        # eigvalsh of the rotated matrix reproduces the spectrum to rounding.
        np.testing.assert_allclose(result.eigenvalues, np.sort(eigenvalues), atol=1e-12)


def test_classify_eigenvalues_are_sorted_and_match_eigvalsh():
    h = _rotated([3.0, -2.0, 0.5, -7.0, 1.0], seed=4)
    result = ls.classify(h)
    assert np.all(np.diff(result.eigenvalues) >= 0)
    np.testing.assert_allclose(result.eigenvalues, np.linalg.eigvalsh(h), rtol=1e-12)


@pytest.mark.parametrize(
    ("small", "kind"),
    [
        (2e-6, "minimum"),  # above rtol * max|lambda| = 1e-6: resolved, positive
        (0.5e-6, "degenerate"),  # below: counted as zero
        (-0.5e-6, "degenerate"),
        (-2e-6, "saddle"),
    ],
)
def test_classify_relative_tolerance_on_both_sides(small, kind):
    result = ls.classify(np.diag([1.0, small]))
    assert result.kind == kind
    assert result.tol == pytest.approx(1e-6)


@pytest.mark.parametrize("scale", [1e-6, 1.0, 1e6])
def test_classify_tolerance_scales_with_the_spectrum(scale):
    # The same shape of spectrum gets the same verdict at any scale (above the atol floor).
    assert ls.classify(np.diag([scale, 2e-6 * scale])).kind == "minimum"
    assert ls.classify(np.diag([scale, 0.5e-6 * scale])).kind == "degenerate"


def test_classify_absolute_floor_decides_rounding_level_hessians():
    rounding = np.diag([1e-16, -1e-16])
    assert ls.classify(rounding).kind == "degenerate"  # below atol = 1e-12
    assert ls.classify(rounding, atol=0.0).kind == "saddle"  # purely relative
    assert ls.classify(np.zeros((3, 3))).kind == "degenerate"
    assert ls.classify(np.zeros((3, 3)), atol=0.0).kind == "degenerate"
    assert ls.classify(np.diag([2e-12, 1.0e-12 / 2])).tol == 1e-12
    assert ls.classify(np.diag([1.0, 5e-13]), rtol=0.0).kind == "degenerate"
    assert ls.classify(np.diag([1.0, 2e-12]), rtol=0.0).kind == "minimum"


def test_classify_accepts_slightly_asymmetric_finite_difference_hessians():
    f = ls.from_function(lambda t: t[0] ** 4 + t[0] * t[1] + 2 * t[1] ** 2, dim=2)
    h = f.hessian(np.array([1.0, -1.0]))  # FD of FD: asymmetric at ~1e-8
    assert not np.array_equal(h, h.T)
    assert ls.classify(h).kind == "minimum"


def test_classify_repr_and_frozen():
    result = ls.classify([[0.0, -4.0], [-4.0, 0.0]])
    assert repr(result) == (
        "Classification(kind='saddle', index=1, num_zero=0, eigenvalues=[-4, 4], tol=4e-06)"
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.kind = "minimum"
    with pytest.raises(ValueError, match="read-only"):
        result.eigenvalues[0] = 0.0


def test_classify_does_not_mutate_its_input():
    h = np.array([[2.0, 1.0], [1.0 + 1e-12, -3.0]])
    copy = h.copy()
    ls.classify(h)
    np.testing.assert_array_equal(h, copy)


@pytest.mark.parametrize(
    ("hessian", "kwargs", "error", "match"),
    [
        (np.ones((2, 3)), {}, ValueError, "square matrix"),
        (np.ones((2, 2, 2)), {}, ValueError, "square matrix"),
        (np.ones(3), {}, ValueError, "square matrix"),
        (np.zeros((0, 0)), {}, ValueError, "must not be empty"),
        ([[1.0, 2.0], [0.0, 1.0]], {}, ValueError, "must be symmetric"),
        ([[1.0, np.nan], [np.nan, 1.0]], {}, ValueError, "finite"),
        ("hessian", {}, TypeError, "real numbers"),
        (np.eye(2), {"rtol": 1.5}, ValueError, r"`rtol` must lie in \[0, 1\)"),
        (np.eye(2), {"rtol": "small"}, TypeError, "`rtol` must be a real number"),
        (np.eye(2), {"atol": -1.0}, ValueError, "`atol` must be non-negative"),
    ],
)
def test_classify_rejects_bad_input(hessian, kwargs, error, match):
    with pytest.raises(error, match=match):
        ls.classify(hessian, **kwargs)


# -- find_critical_points --------------------------------------------------------------
@pytest.mark.parametrize("method", ["newton", "gradient_norm"])
def test_running_example_three_points_from_a_grid(method):
    f = ls.surface("running_example")
    search = ls.find_critical_points(f, ls.grid_starts(f.domain, 7), method=method)
    assert len(search) == 3 and search.num_starts == 49 and search.method == method
    expected = {(-1.0, -1.0): ("minimum", -1.0), (0.0, 0.0): ("saddle", 1.0)}
    expected[(1.0, 1.0)] = ("minimum", -1.0)
    for p in search:
        key = min(expected, key=lambda k: np.linalg.norm(p.point - np.array(k)))
        # Newton converges quadratically to these nondegenerate points; BFGS on
        # ||g||^2 stops near ||g|| ~ 1e-10, i.e. ~1e-11 from the point.
        np.testing.assert_allclose(p.point, key, atol=1e-9)
        assert (p.kind, p.converged) == (expected[key][0], True)
        assert p.value == pytest.approx(expected[key][1], abs=1e-12)
        assert p.grad_norm <= 1e-10 * max(1.0, np.linalg.norm(f.grad([2.0, 2.0])))
    saddle = next(p for p in search if p.kind == "saddle")
    assert saddle.index == 1
    np.testing.assert_allclose(saddle.eigenvalues, [-4.0, 4.0], atol=1e-8)
    assert sum(p.num_hits for p in search) == 49 and not search.unconverged


@pytest.mark.parametrize("method", ["newton", "gradient_norm"])
def test_monkey_saddle_is_found_and_called_degenerate(method):
    f = ls.surface("monkey_saddle")
    starts = ls.random_starts(f.domain, 20, rng=1)  # the origin itself is not a start
    search = ls.find_critical_points(f, starts, method=method)
    (p,) = search.points
    # Convergence to a degenerate point is only linear: it gets within ~1e-7, not 1e-15.
    assert np.linalg.norm(p.point) < 1e-6
    assert p.kind == "degenerate" and p.num_hits == 20
    # Measured against itself the tiny Hessian looks like a saddle; against the
    # search's curvature scale (Hessians ~ 6 at the starts) it is zero.
    assert ls.classify(f.hessian(p.point), atol=0.0).kind == "saddle"


def test_saddle_x2_minus_y2_has_index_one():
    f = ls.surface("saddle")
    search = ls.find_critical_points(f, ls.random_starts(f.domain, 5, rng=0))
    (p,) = search.points
    assert (p.kind, p.index) == ("saddle", 1)
    np.testing.assert_allclose(p.point, [0.0, 0.0], atol=1e-14)


@pytest.mark.parametrize("method", ["newton", "gradient_norm"])
def test_nd_quadratic_saddle(method):
    q = ls.surface("quadratic", eigenvalues=[-2.0, -1.0, 0.5, 1.0, 3.0], rng=2)
    search = ls.find_critical_points(q, ls.random_starts(q.domain, 6, rng=3), method=method)
    (p,) = search.points
    assert (p.kind, p.index, p.num_hits) == ("saddle", 2, 6)
    np.testing.assert_allclose(p.eigenvalues, q.eigenvalues, atol=1e-10)
    np.testing.assert_allclose(p.point, np.zeros(5), atol=1e-9)


def test_himmelblau_newton_finds_all_nine():
    f = ls.surface("himmelblau")
    search = ls.find_critical_points(f, ls.grid_starts(f.domain, 12))
    kinds = sorted(p.kind for p in search)
    assert kinds == ["maximum"] + ["minimum"] * 4 + ["saddle"] * 4
    values = [p.value for p in search]
    assert values == sorted(values)


def test_points_without_critical_points_are_reported_unconverged():
    # f' = x^2 + 1 >= 1: no critical point; ||f'||^2 has a non-critical minimum at 0.
    f = ls.from_function(
        lambda t: t[0] ** 3 / 3 + t[0],
        dim=1,
        grad=lambda t: np.array([t[0] ** 2 + 1]),
        hvp=lambda t, v: np.array([2 * t[0] * v[0]]),
    )
    for method in ("newton", "gradient_norm"):
        search = ls.find_critical_points(f, [[0.7], [-0.4]], method=method)
        assert len(search) == 0 and search.unconverged, method
        for p in search.unconverged:
            assert not p.converged and p.grad_norm >= 1.0
        assert "found=0" in repr(search)


def test_max_iter_caps_the_run():
    f = ls.surface("rosenbrock")
    search = ls.find_critical_points(f, [[-1.5, 2.5]], max_iter=2)
    assert len(search) == 0 and len(search.unconverged) == 1
    full = ls.find_critical_points(f, [[-1.5, 2.5]])
    assert len(full) == 1 and full[0].kind == "minimum"


def test_dedup_tolerance_on_both_sides():
    f = ls.surface("running_example")
    starts = ls.grid_starts(f.domain, 5)
    # 1e-6 merges runs that agree to ~1e-15; a huge tolerance merges distinct points.
    assert len(ls.find_critical_points(f, starts, dedup_tol=1e-6)) == 3
    assert len(ls.find_critical_points(f, starts, dedup_tol=10.0)) == 1


def test_search_record_iterates_and_reprs():
    f = ls.surface("running_example")
    search = ls.find_critical_points(f, ls.grid_starts(f.domain, 3))
    assert list(search) == list(search.points) and search[0] is search.points[0]
    assert repr(search) == (
        "CriticalPointSearch(method='newton', num_starts=9, found=3 (minimum=2, saddle=1), "
        "unconverged=0)"
    )
    assert repr(search[0]).startswith("CriticalPoint(point=[-1, -1], value=-1, kind='minimum'")
    with pytest.raises(dataclasses.FrozenInstanceError):
        search[0].value = 0.0


def test_find_does_not_mutate_starts():
    f = ls.surface("himmelblau")
    starts = ls.grid_starts(f.domain, 3)
    copy = starts.copy()
    ls.find_critical_points(f, starts)
    ls.find_critical_points(f, starts, method="gradient_norm")
    np.testing.assert_array_equal(starts, copy)


def test_find_works_with_finite_difference_objectives():
    f = ls.from_function(lambda t: t[0] ** 4 + t[1] ** 4 - 4 * t[0] * t[1] + 1, dim=2)
    search = ls.find_critical_points(f, [[0.8, 1.3], [0.1, -0.2]], gtol=1e-6)
    assert sorted(p.kind for p in search) == ["minimum", "saddle"]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"method": "bfgs"},
            ValueError,
            "`method` must be one of 'newton', 'gradient_norm'",
        ),
        ({"starts": [[0.0, 0.0, 0.0]]}, ValueError, r"`starts` must have shape \(n, 2\)"),
        ({"starts": np.zeros((0, 2))}, ValueError, "at least one point"),
        ({"starts": [[np.nan, 0.0]]}, ValueError, "finite"),
        ({"gtol": 0.0}, ValueError, "`gtol` must be positive"),
        ({"xtol": -1.0}, ValueError, "`xtol` must be positive"),
        ({"dedup_tol": 0.0}, ValueError, "`dedup_tol` must be positive"),
        ({"max_iter": 0}, ValueError, "`max_iter` must be an integer >= 1"),
        ({"max_iter": 2.5}, TypeError, "`max_iter` must be an integer"),
        ({"rtol": 1.0}, ValueError, "`rtol` must lie in"),
        ({"atol": -1.0}, ValueError, "`atol` must be non-negative"),
    ],
)
def test_find_rejects_bad_input(kwargs, error, match):
    f = ls.surface("running_example")
    args = {"starts": [[0.5, 0.5]], **kwargs}
    starts = args.pop("starts")
    with pytest.raises(error, match=match):
        ls.find_critical_points(f, starts, **args)


def test_find_rejects_non_objectives():
    with pytest.raises(TypeError, match="`objective` must be an Objective"):
        ls.find_critical_points(lambda t: t @ t, [[0.0]])


# -- escape_direction ------------------------------------------------------------------
def test_escape_direction_at_the_running_example_saddle():
    f = ls.surface("running_example")
    direction, eigenvalue = ls.escape_direction(f, [0.0, 0.0])
    np.testing.assert_allclose(direction, np.array([1.0, 1.0]) / np.sqrt(2), atol=1e-15)
    assert eigenvalue == -4.0
    # Both signs descend: f(+-eps u) = 1 - 2 eps^2 + O(eps^4).
    for sign in (1.0, -1.0):
        assert f.value(sign * 1e-3 * direction) < f.value([0.0, 0.0])


def test_escape_direction_from_a_hessian_is_unit_and_an_eigenvector():
    h = _rotated([-3.0, -1.0, 2.0, 5.0], seed=6)
    direction, eigenvalue = ls.escape_direction(h)
    assert eigenvalue == pytest.approx(-3.0)
    assert np.linalg.norm(direction) == pytest.approx(1.0)
    np.testing.assert_allclose(h @ direction, eigenvalue * direction, atol=1e-12)
    assert direction[np.argmax(np.abs(direction))] > 0


@pytest.mark.parametrize(
    ("eigenvalues", "ok"),
    [([-2e-6, 1.0], True), ([-0.5e-6, 1.0], False), ([1.0, 2.0], False)],
)
def test_escape_direction_tolerance_on_both_sides(eigenvalues, ok):
    if ok:
        assert ls.escape_direction(np.diag(eigenvalues)).eigenvalue == eigenvalues[0]
    else:
        with pytest.raises(ValueError, match="no direction of negative curvature"):
            ls.escape_direction(np.diag(eigenvalues))


def test_escape_direction_errors():
    f = ls.surface("running_example")
    with pytest.raises(ValueError, match="not a saddle"):
        ls.escape_direction(f, [1.0, 1.0])
    with pytest.raises(TypeError, match="`theta` is required"):
        ls.escape_direction(f)
    with pytest.raises(TypeError, match="`theta` is only accepted with an objective"):
        ls.escape_direction(np.eye(2), [0.0, 0.0])
    with pytest.raises(ValueError, match="`theta` must have length 2"):
        ls.escape_direction(f, [0.0])
    with pytest.raises(ValueError, match="must be symmetric"):
        ls.escape_direction([[0.0, 1.0], [-1.0, 0.0]])


# -- starting points -------------------------------------------------------------------
def test_grid_starts_cover_the_box_including_corners():
    starts = ls.grid_starts([(-1.0, 1.0), (0.0, 2.0), (5.0, 6.0)], 4)
    assert starts.shape == (64, 3)
    np.testing.assert_array_equal(starts.min(axis=0), [-1.0, 0.0, 5.0])
    np.testing.assert_array_equal(starts.max(axis=0), [1.0, 2.0, 6.0])
    assert len(np.unique(starts, axis=0)) == 64


def test_random_starts_are_inside_and_seeded():
    box = [(-1.0, 1.0), (10.0, 20.0)]
    a = ls.random_starts(box, 500, rng=3)
    np.testing.assert_array_equal(a, ls.random_starts(box, 500, rng=3))
    assert not np.array_equal(a, ls.random_starts(box, 500, rng=4))
    assert np.all(a >= [-1.0, 10.0]) and np.all(a <= [1.0, 20.0])
    gen = np.random.default_rng(0)
    assert ls.random_starts(box, 2, rng=gen).shape == (2, 2)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: ls.grid_starts([(0.0, 1.0, 2.0)], 3), ValueError, r"shape \(d, 2\)"),
        (lambda: ls.grid_starts([(1.0, 0.0)], 3), ValueError, "low < high"),
        (lambda: ls.grid_starts([(0.0, 1.0)], 1), ValueError, "`num_per_axis` must be"),
        (lambda: ls.grid_starts([(0.0, 1.0)] * 7, 10), ValueError, "too large"),
        (lambda: ls.grid_starts("box", 3), TypeError, "real numbers"),
        (lambda: ls.random_starts([(0.0, 1.0)], 0), ValueError, "`num_starts` must be"),
        (lambda: ls.random_starts([(0.0, 1.0)], 3, rng=-1), ValueError, "non-negative"),
        (lambda: ls.random_starts([(0.0, np.inf)], 3), ValueError, "finite"),
    ],
)
def test_start_helpers_reject_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


# -- property over generated cases ---------------------------------------------------------
def test_classify_matches_the_sign_rule_for_random_spectra_and_rotations():
    # Seeded generated cases (not hypothesis: its .hypothesis cache directory trips the
    # project's norecursedirs under filterwarnings=error). Magnitudes span 1e-3..1e3, so
    # every eigenvalue is >= 1e-6 of the largest and resolved by rtol = 1e-6.
    rng = np.random.default_rng(2024)
    checked = 0
    for _ in range(200):
        d = int(rng.integers(1, 7))
        eigenvalues = rng.choice([-1.0, 1.0], d) * 10.0 ** rng.uniform(-3, 3, d)
        result = ls.classify(_rotated(eigenvalues, int(rng.integers(2**16))))
        negative = int(np.sum(eigenvalues < 0))
        expected = {0: "minimum", d: "maximum"}.get(negative, "saddle")
        assert (result.kind, result.index, result.num_zero) == (expected, negative, 0)
        checked += 1
    assert checked == 200

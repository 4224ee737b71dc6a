"""Landscape: tools for studying the optimization landscapes of neural networks.

Every analysis works on an *objective* over a flat float64 parameter vector ``theta``
(see :class:`landscape.Objective`). ``import landscape as ls`` reaches every public name.
"""

from landscape.benchmarks import Himmelblau, Rastrigin, Rosenbrock, SixHumpCamel
from landscape.critical import Classification, EscapeDirection, classify, escape_direction
from landscape.critical_search import (
    CriticalPoint,
    CriticalPointSearch,
    find_critical_points,
    grid_starts,
    random_starts,
)
from landscape.objective import (
    DerivativeCheck,
    Objective,
    check_grad,
    check_hvp,
    from_function,
)
from landscape.random_matrix import (
    PositiveFraction,
    QuadraticDecayFit,
    TridiagonalBatch,
    count_negative_eigenvalues,
    fit_quadratic_decay,
    goe_matrices,
    goe_positive_fraction,
    goe_tridiagonal,
)
from landscape.surfaces import (
    DoubleWell,
    KnownCriticalPoint,
    MonkeySaddle,
    Quadratic,
    RunningExample,
    Saddle,
    Surface,
    surface,
    surface_names,
)

__version__ = "0.1.0"

__all__ = [
    "Classification",
    "CriticalPoint",
    "CriticalPointSearch",
    "DerivativeCheck",
    "DoubleWell",
    "EscapeDirection",
    "Himmelblau",
    "KnownCriticalPoint",
    "MonkeySaddle",
    "Objective",
    "PositiveFraction",
    "Quadratic",
    "QuadraticDecayFit",
    "Rastrigin",
    "Rosenbrock",
    "RunningExample",
    "Saddle",
    "SixHumpCamel",
    "Surface",
    "TridiagonalBatch",
    "check_grad",
    "check_hvp",
    "classify",
    "count_negative_eigenvalues",
    "escape_direction",
    "find_critical_points",
    "fit_quadratic_decay",
    "from_function",
    "goe_matrices",
    "goe_positive_fraction",
    "goe_tridiagonal",
    "grid_starts",
    "random_starts",
    "surface",
    "surface_names",
]

"""Landscape: tools for studying the optimization landscapes of neural networks.

Every analysis works on an *objective* over a flat float64 parameter vector ``theta``
(see :class:`landscape.Objective`). ``import landscape as ls`` reaches every public name.
"""

from landscape.adaptive import (
    AdagradState,
    AdamState,
    LionState,
    RMSPropState,
    adagrad,
    adam,
    adam_l2,
    adamw,
    lion,
    rmsprop,
)
from landscape.benchmarks import (
    Himmelblau,
    Rastrigin,
    Rosenbrock,
    SixHumpCamel,
)
from landscape.convergence import (
    GradientFlow,
    gradient_flow,
    iterations_to_tolerance,
    pl_ratios,
    quadratic_rate,
)
from landscape.critical import (
    Classification,
    EscapeDirection,
    classify,
    escape_direction,
)
from landscape.critical_search import (
    CriticalPoint,
    CriticalPointSearch,
    find_critical_points,
    grid_starts,
    random_starts,
)
from landscape.data import (
    Dataset,
    gaussian_blobs,
    teacher_student,
    two_spirals,
)
from landscape.density import (
    SpectralDensity,
    TraceEstimate,
    hutchinson_trace,
    slq_density,
)
from landscape.eos import (
    SharpnessTrace,
    track_sharpness,
)
from landscape.linesearch import (
    LineSearchResult,
    WolfeCheck,
    armijo_backtracking,
    exact_line_search,
    exact_line_search_quadratic,
    wolfe_conditions,
)
from landscape.network import (
    NetworkObjective,
    mlp_objective,
)
from landscape.nn import (
    MLP,
    ParamBlock,
)
from landscape.objective import (
    DerivativeCheck,
    Objective,
    check_grad,
    check_hvp,
    from_function,
)
from landscape.operators import (
    HessianOperator,
)
from landscape.optim import (
    GDState,
    MomentumParameters,
    MomentumState,
    UpdateRule,
    clip_by_global_norm,
    gd,
    make_rule,
    momentum,
    nesterov,
    nesterov_parameters,
    polyak_momentum_parameters,
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
from landscape.schedules import (
    constant,
    cosine_decay,
    exponential_decay,
    linear_warmup,
    step_decay,
)
from landscape.spectrum import (
    CurvatureExtremes,
    EigenResult,
    PowerIterationResult,
    classify_curvature,
    curvature_extremes,
    dense_spectrum,
    power_iteration,
    top_eigenpairs,
)
from landscape.stability import (
    contraction_factors,
    iteration_matrix,
    stability_threshold,
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
from landscape.training import (
    StepInfo,
    Trajectory,
    minimize,
    train,
)

__version__ = "0.1.0"

__all__ = [
    "MLP",
    "AdagradState",
    "AdamState",
    "Classification",
    "CriticalPoint",
    "CriticalPointSearch",
    "CurvatureExtremes",
    "Dataset",
    "DerivativeCheck",
    "DoubleWell",
    "EigenResult",
    "EscapeDirection",
    "GDState",
    "GradientFlow",
    "HessianOperator",
    "Himmelblau",
    "KnownCriticalPoint",
    "LineSearchResult",
    "LionState",
    "MomentumParameters",
    "MomentumState",
    "MonkeySaddle",
    "NetworkObjective",
    "Objective",
    "ParamBlock",
    "PositiveFraction",
    "PowerIterationResult",
    "Quadratic",
    "QuadraticDecayFit",
    "RMSPropState",
    "Rastrigin",
    "Rosenbrock",
    "RunningExample",
    "Saddle",
    "SharpnessTrace",
    "SixHumpCamel",
    "SpectralDensity",
    "StepInfo",
    "Surface",
    "TraceEstimate",
    "Trajectory",
    "TridiagonalBatch",
    "UpdateRule",
    "WolfeCheck",
    "adagrad",
    "adam",
    "adam_l2",
    "adamw",
    "armijo_backtracking",
    "check_grad",
    "check_hvp",
    "classify",
    "classify_curvature",
    "clip_by_global_norm",
    "constant",
    "contraction_factors",
    "cosine_decay",
    "count_negative_eigenvalues",
    "curvature_extremes",
    "dense_spectrum",
    "escape_direction",
    "exact_line_search",
    "exact_line_search_quadratic",
    "exponential_decay",
    "find_critical_points",
    "fit_quadratic_decay",
    "from_function",
    "gaussian_blobs",
    "gd",
    "goe_matrices",
    "goe_positive_fraction",
    "goe_tridiagonal",
    "gradient_flow",
    "grid_starts",
    "hutchinson_trace",
    "iteration_matrix",
    "iterations_to_tolerance",
    "linear_warmup",
    "lion",
    "make_rule",
    "minimize",
    "mlp_objective",
    "momentum",
    "nesterov",
    "nesterov_parameters",
    "pl_ratios",
    "polyak_momentum_parameters",
    "power_iteration",
    "quadratic_rate",
    "random_starts",
    "rmsprop",
    "slq_density",
    "stability_threshold",
    "step_decay",
    "surface",
    "surface_names",
    "teacher_student",
    "top_eigenpairs",
    "track_sharpness",
    "train",
    "two_spirals",
    "wolfe_conditions",
]

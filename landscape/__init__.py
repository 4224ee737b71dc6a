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
    SpectralGap,
    TraceEstimate,
    hutchinson_trace,
    slq_density,
    spectral_gap,
)
from landscape.linear_networks import (
    AutoencoderCriticalPoint,
    DeepLinearAutoencoder,
    autoencoder_critical_points,
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
from landscape.perturbed import (
    NoisyGDState,
    PerturbedGDState,
    noisy_gd,
    perturbed_gd,
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
from landscape.saddles import (
    CurvatureStep,
    Escape,
    QuarticSaddle,
    measure_escape,
    negative_curvature_step,
    predicted_escape_time,
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
from landscape.stationarity import (
    Stationarity,
    classify_stationarity,
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
from landscape.tracking import (
    CurvatureTrack,
    track_curvature,
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
    "AutoencoderCriticalPoint",
    "Classification",
    "CriticalPoint",
    "CriticalPointSearch",
    "CurvatureExtremes",
    "CurvatureStep",
    "CurvatureTrack",
    "Dataset",
    "DeepLinearAutoencoder",
    "DerivativeCheck",
    "DoubleWell",
    "EigenResult",
    "Escape",
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
    "NoisyGDState",
    "Objective",
    "ParamBlock",
    "PerturbedGDState",
    "PositiveFraction",
    "PowerIterationResult",
    "Quadratic",
    "QuadraticDecayFit",
    "QuarticSaddle",
    "RMSPropState",
    "Rastrigin",
    "Rosenbrock",
    "RunningExample",
    "Saddle",
    "SixHumpCamel",
    "SpectralDensity",
    "SpectralGap",
    "Stationarity",
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
    "autoencoder_critical_points",
    "check_grad",
    "check_hvp",
    "classify",
    "classify_curvature",
    "classify_stationarity",
    "clip_by_global_norm",
    "constant",
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
    "iterations_to_tolerance",
    "linear_warmup",
    "lion",
    "make_rule",
    "measure_escape",
    "minimize",
    "mlp_objective",
    "momentum",
    "negative_curvature_step",
    "nesterov",
    "nesterov_parameters",
    "noisy_gd",
    "perturbed_gd",
    "pl_ratios",
    "polyak_momentum_parameters",
    "power_iteration",
    "predicted_escape_time",
    "quadratic_rate",
    "random_starts",
    "rmsprop",
    "slq_density",
    "spectral_gap",
    "step_decay",
    "surface",
    "surface_names",
    "teacher_student",
    "top_eigenpairs",
    "track_curvature",
    "train",
    "two_spirals",
    "wolfe_conditions",
]

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
from landscape.linesearch import (
    LineSearchResult,
    WolfeCheck,
    armijo_backtracking,
    exact_line_search,
    exact_line_search_quadratic,
    wolfe_conditions,
)
from landscape.objective import (
    DerivativeCheck,
    Objective,
    check_grad,
    check_hvp,
    from_function,
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
from landscape.schedules import (
    constant,
    cosine_decay,
    exponential_decay,
    linear_warmup,
    step_decay,
)
from landscape.training import StepInfo, Trajectory, minimize, train

__version__ = "0.1.0"

__all__ = [
    "AdagradState",
    "AdamState",
    "DerivativeCheck",
    "GDState",
    "LineSearchResult",
    "LionState",
    "MomentumParameters",
    "MomentumState",
    "Objective",
    "RMSPropState",
    "StepInfo",
    "Trajectory",
    "UpdateRule",
    "WolfeCheck",
    "adagrad",
    "adam",
    "adam_l2",
    "adamw",
    "armijo_backtracking",
    "check_grad",
    "check_hvp",
    "clip_by_global_norm",
    "constant",
    "cosine_decay",
    "exact_line_search",
    "exact_line_search_quadratic",
    "exponential_decay",
    "from_function",
    "gd",
    "linear_warmup",
    "lion",
    "make_rule",
    "minimize",
    "momentum",
    "nesterov",
    "nesterov_parameters",
    "polyak_momentum_parameters",
    "rmsprop",
    "step_decay",
    "train",
    "wolfe_conditions",
]

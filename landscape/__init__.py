"""Landscape: tools for studying the optimization landscapes of neural networks.

Every analysis works on an *objective* over a flat float64 parameter vector ``theta``
(see :class:`landscape.Objective`). ``import landscape as ls`` reaches every public name.
"""

from landscape.data import Dataset, gaussian_blobs, teacher_student, two_spirals
from landscape.density import SpectralDensity, TraceEstimate, hutchinson_trace, slq_density
from landscape.network import NetworkObjective, mlp_objective
from landscape.nn import MLP, ParamBlock
from landscape.objective import (
    DerivativeCheck,
    Objective,
    check_grad,
    check_hvp,
    from_function,
)
from landscape.operators import HessianOperator
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

__version__ = "0.1.0"

__all__ = [
    "MLP",
    "CurvatureExtremes",
    "Dataset",
    "DerivativeCheck",
    "EigenResult",
    "HessianOperator",
    "NetworkObjective",
    "Objective",
    "ParamBlock",
    "PowerIterationResult",
    "SpectralDensity",
    "TraceEstimate",
    "check_grad",
    "check_hvp",
    "classify_curvature",
    "curvature_extremes",
    "dense_spectrum",
    "from_function",
    "gaussian_blobs",
    "hutchinson_trace",
    "mlp_objective",
    "power_iteration",
    "slq_density",
    "teacher_student",
    "top_eigenpairs",
    "two_spirals",
]

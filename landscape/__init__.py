"""Landscape: tools for studying the optimization landscapes of neural networks.

Every analysis works on an *objective* over a flat float64 parameter vector ``theta``
(see :class:`landscape.Objective`). ``import landscape as ls`` reaches every public name.
"""

from landscape.data import Dataset, gaussian_blobs, teacher_student, two_spirals
from landscape.network import NetworkObjective, mlp_objective
from landscape.nn import MLP, ParamBlock
from landscape.objective import (
    DerivativeCheck,
    Objective,
    check_grad,
    check_hvp,
    from_function,
)

__version__ = "0.1.0"

__all__ = [
    "MLP",
    "Dataset",
    "DerivativeCheck",
    "NetworkObjective",
    "Objective",
    "ParamBlock",
    "check_grad",
    "check_hvp",
    "from_function",
    "gaussian_blobs",
    "mlp_objective",
    "teacher_student",
    "two_spirals",
]

"""Which column of a log holds which quantity: accepted spellings and the matching rules.

Names are compared after normalization: lower case, with runs of spaces, ``/``, ``-``,
``.`` and ``:`` turned into ``_`` (so ``train/loss``, ``Train-Loss`` and ``train_loss``
are one spelling). A column matches a quantity exactly, or by suffix (``metrics/val_loss``
ends in ``_val_loss``; the longest matching spelling wins, so it is the validation loss,
not the loss). Exact matches beat suffix matches; among exact matches the spelling listed
first wins. Two suffix matches for one quantity are ambiguous: for the loss that is an
error asking for an explicit mapping, for other quantities a note.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from landscape.diagnostics.log import QUANTITIES, LogReadError

STEP_SPELLINGS = (
    "step",
    "global_step",
    "train_global_step",
    "trainer_global_step",
    "_step",
    "iteration",
    "iter",
    "iterations",
    "it",
    "step_num",
    "steps",
    "epoch",
)

SPELLINGS: dict[str, tuple[str, ...]] = {
    "loss": (
        "loss",
        "train_loss",
        "training_loss",
        "loss_train",
        "train_loss_step",
        "tr_loss",
        "train_loss_epoch",
        "objective",
    ),
    "val_loss": (
        "val_loss",
        "validation_loss",
        "valid_loss",
        "eval_loss",
        "loss_val",
        "loss_valid",
        "loss_validation",
        "loss_eval",
        "val_loss_epoch",
        "dev_loss",
        "test_loss",
        "loss_test",
    ),
    "grad_norm": (
        "grad_norm",
        "gradient_norm",
        "grad_norm_total",
        "total_grad_norm",
        "global_grad_norm",
        "grad_l2_norm",
        "grad_2_0_norm_total",
        "grads_norm",
        "gradients_norm",
        "gnorm",
    ),
    "update_norm": (
        "update_norm",
        "param_update_norm",
        "update_l2_norm",
        "updates_norm",
        "step_norm",
        "delta_norm",
    ),
    "param_norm": (
        "param_norm",
        "parameter_norm",
        "params_norm",
        "parameters_norm",
        "weight_norm",
        "weights_norm",
        "theta_norm",
    ),
    "lr": ("lr", "learning_rate", "step_size", "lr_0", "lr_group_0"),
    "lambda_max": (
        "lambda_max",
        "sharpness",
        "top_eigenvalue",
        "hessian_top_eigenvalue",
        "hessian_lambda_max",
        "max_eigenvalue",
    ),
}

_SEPARATORS = re.compile(r"[\s/\-.:]+")
_TENSORBOARD = ("wall_time", "step", "value")


@lru_cache(maxsize=4096)
def normalize(name: str) -> str:
    """Lower-case ``name`` and turn separators into ``_``."""
    return _SEPARATORS.sub("_", name.strip().strip("\"'").lower())


@lru_cache(maxsize=4096)
def best_match(name: str) -> tuple[int, int, int, str] | None:
    """Rank of the best quantity match of a column name, or None (lower ranks win)."""
    norm = normalize(name)
    best = None
    for q, spellings in SPELLINGS.items():
        for k, a in enumerate(spellings):
            if norm == a:
                cand = (0, 0, k, q)
            elif norm.endswith("_" + a):
                cand = (1, -len(a), k, q)
            else:
                continue
            if best is None or cand < best:
                best = cand
    if best is None and (norm.startswith("lr_") or norm.startswith("learning_rate_")):
        best = (1, -2, 0, "lr")
    return best


def is_candidate(name: str) -> bool:
    """Whether a column could be a quantity or the step (worth collecting values for)."""
    return best_match(name) is not None or normalize(name) in STEP_SPELLINGS


def accepted_spellings() -> str:
    """One line per quantity listing its accepted spellings (for error messages)."""
    lines = [f"  {q}: {', '.join(SPELLINGS[q])}" for q in QUANTITIES]
    lines.append(f"  step: {', '.join(STEP_SPELLINGS)}")
    return "\n".join(lines)


def _short_list(names: Iterable[str], limit: int = 12) -> str:
    names = list(names)
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def match_columns(
    names: list[str], explicit: Mapping[str, str | None], source: str
) -> tuple[dict[str, str], list[str]]:
    """Assign columns to quantities.

    Parameters
    ----------
    names : list of str
        Column names in file order (the CSV header, or JSON keys in order of appearance).
    explicit : mapping
        User-given ``quantity -> column`` (or None to ignore a quantity).
    source : str
        For messages.

    Returns
    -------
    mapping : dict
        ``quantity -> column name`` including ``"step"`` when found.
    notes : list of str
        Assumptions worth telling the user (TensorBoard value, ambiguous or unused
        columns).
    """
    notes: list[str] = []
    mapping: dict[str, str] = {}
    claimed: set[str] = set()
    by_norm: dict[str, str] = {}
    for n in names:
        by_norm.setdefault(normalize(n), n)
    for q, col in explicit.items():
        if col is None:
            continue
        found = col if col in names else by_norm.get(normalize(col))
        if found is None:
            raise LogReadError(
                f"column {col!r} (given for {q}) is not in {source}; columns found: "
                f"{_short_list(names)}."
            )
        mapping[q] = found
        claimed.add(found)
    disabled = {q for q, col in explicit.items() if col is None}

    norms = [normalize(n) for n in names]
    if (
        tuple(norms) == _TENSORBOARD
        and "loss" not in explicit
        and not any(v == names[2] for v in mapping.values())
    ):
        mapping["loss"] = names[2]
        claimed.add(names[2])
        notes.append(
            f"TensorBoard scalar export: column {names[2]!r} read as the training loss "
            f"(map it to another quantity with columns={{'val_loss': {names[2]!r}}})."
        )

    if "step" not in mapping and "step" not in disabled:
        for spelling in STEP_SPELLINGS:
            hits = [n for n, m in zip(names, norms, strict=True) if m == spelling]
            hits = [h for h in hits if h not in claimed]
            if hits:
                mapping["step"] = hits[0]
                claimed.add(hits[0])
                break

    candidates: dict[str, list[tuple[tuple[int, int, int], str]]] = {}
    for pos, n in enumerate(names):
        if n in claimed:
            continue
        m = best_match(n)
        if m is not None:
            candidates.setdefault(m[3], []).append(((m[0], m[1], m[2], pos), n))
    for q in QUANTITIES:
        if q in mapping or q in disabled or q not in candidates:
            continue
        cands = sorted(candidates[q])
        exact = [c for c in cands if c[0][0] == 0]
        if exact:
            chosen = exact[0][1]
        elif len(cands) == 1:
            chosen = cands[0][1]
        else:
            options = _short_list(c[1] for c in cands)
            if q == "loss":
                raise LogReadError(
                    f"several columns of {source} could be the training loss: {options}. "
                    "Choose one with columns={'loss': '<name>'} "
                    "(command line: --column loss=<name>)."
                )
            notes.append(
                f"several columns could be {q} ({options}); none was used. Choose one "
                f"with columns={{'{q}': '<name>'}}."
            )
            continue
        mapping[q] = chosen
        claimed.add(chosen)

    if "loss" not in mapping:
        raise LogReadError(
            f"no training-loss column in {source}. Columns found: {_short_list(names)}.\n"
            f"Accepted spellings (case, '/', '-', '.' and spaces are ignored):\n"
            f"{accepted_spellings()}\n"
            "Map a column explicitly with columns={'loss': '<name>'} "
            "(command line: --column loss=<name>)."
        )
    unused = [n for n in names if n not in claimed and normalize(n) != "wall_time"]
    if unused:
        notes.append(f"columns not used: {_short_list(unused, 8)}.")
    return mapping, notes

"""A labelled suite of real training runs, and the precision and recall of each detector.

Every run is trained by the package itself (:class:`~landscape.MLP`, the optimizers,
:func:`~landscape.train`) on a small regression task, so the pathology it has is known by
construction: a learning rate beyond the stability threshold, one far too small,
saturated hidden units, overfitting a tiny training set, a schedule that dies early, or
nothing wrong. Each run is written to disk as a log (CSV or JSON lines, with the column
spellings of common trainers) and read back through :func:`~landscape.read_log`, so the
evaluation exercises the same path a user's log takes. Everything is seeded
(``numpy.random.default_rng``) and the whole suite trains in a few seconds.

A run's *labels* are the detectors that must fire on it (the pathology it was built to
have). Its *allowed* detectors are true but secondary consequences of the same cause
(a diverging run also has far too large an update/parameter ratio): they may fire or
not, and count neither for nor against a detector. Any other detector that fires is a
false positive.
"""

from __future__ import annotations

import csv
import json
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from landscape._validation import as_rng, check_choice, check_positive_int
from landscape.adaptive import adam
from landscape.data import teacher_student
from landscape.diagnostics.detectors import DETECTORS
from landscape.diagnostics.findings import SEVERITIES
from landscape.diagnostics.log import TrainingLog
from landscape.diagnostics.reader import read_log
from landscape.diagnostics.report import Report, diagnose
from landscape.network import mlp_objective
from landscape.nn import MLP
from landscape.optim import clip_by_global_norm, gd, momentum
from landscape.schedules import cosine_decay
from landscape.spectrum import power_iteration
from landscape.training import train

__all__ = [
    "SCENARIOS",
    "DetectorScore",
    "LabelledRun",
    "Scenario",
    "checklist",
    "generate_run",
    "labelled_suite",
    "score_detectors",
    "write_log",
]


@dataclass(frozen=True, repr=False)
class Scenario:
    """A recipe for a training run with a known pathology.

    Attributes
    ----------
    name : str
        Key in ``landscape.diagnostics.SCENARIOS``.
    description : str
        How the run is made and what goes wrong.
    labels : frozenset of str
        Detectors that must fire (warning or critical) on it.
    allowed : frozenset of str
        Detectors that may fire because they describe a true consequence of the same
        cause (neither a hit nor a false alarm).

    Examples
    --------
    >>> import landscape as ls
    >>> ls.diagnostics.SCENARIOS["explosion_clipped"]
    Scenario('explosion_clipped', labels=['oscillation'])
    >>> sorted(ls.diagnostics.SCENARIOS["explosion_clipped"].allowed)
    ['loss_spikes', 'update_ratio']
    """

    name: str
    description: str
    labels: frozenset[str]
    allowed: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        return f"Scenario({self.name!r}, labels={sorted(self.labels)})"


def _scenario(name: str, description: str, labels: Iterable[str], allowed: Iterable[str] = ()):
    return Scenario(name, description, frozenset(labels), frozenset(allowed))


#: The scenarios of the labelled suite, by name.
SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        _scenario(
            "healthy",
            "Heavy-ball momentum (lr 0.05) well inside the stability limit: the loss falls "
            "by more than an order of magnitude and the validation loss follows.",
            (),
        ),
        _scenario(
            "lr_too_low",
            "Plain gradient descent at lr 2e-4, some thousand times below the stability "
            "limit: the loss crawls down at a steady rate.",
            ("slow_progress",),
            ("update_ratio",),  # the updates really are tiny next to the weights
        ),
        _scenario(
            "saturation",
            "Inputs with a constant offset of 100 (unnormalized features): every tanh unit "
            "sits in its flat tail, the hidden layer gets no gradient, and the output "
            "layer can fit only the mean.",
            ("plateau",),
            ("update_ratio", "slow_progress"),  # the weights barely move; the loss creeps
        ),
        _scenario(
            "explosion",
            "Gradient descent at 2.5 times the stability limit 2/lambda_max of the "
            "initial point, no clipping: the error along the sharpest direction grows "
            "every step until the loss overflows.",
            ("divergence",),
            # The same instability seen by other detectors: the bounce before the blow-up,
            # its first spike, steps that rewrite the weights.
            ("oscillation", "loss_spikes", "update_ratio"),
        ),
        _scenario(
            "explosion_clipped",
            "The same run with the gradient norm clipped at 0.5: the steps stay bounded, "
            "so the run no longer diverges, but each step still overshoots the sharpest "
            "direction and the loss bounces.",
            ("oscillation",),
            ("loss_spikes", "update_ratio"),  # catapults; steps long next to the weights
        ),
        _scenario(
            "overfitting",
            "A 64-unit network fitted with Adam to 20 noisy samples: the training loss "
            "falls towards zero while the validation loss turns and rises.",
            ("generalization_gap",),
        ),
        _scenario(
            "early_decay",
            "The healthy run with a cosine learning-rate schedule that reaches zero after "
            "40% of the steps (its horizon set for a shorter run): the loss was still "
            "falling when the steps vanished.",
            ("lr_schedule",),
            ("plateau", "slow_progress"),  # the frozen tail is flat, or creeping
        ),
    )
}

#: Column names written to the log files, spelled as common trainers spell them.
_COLUMN_NAMES = {
    "step": "step",
    "loss": "train/loss",
    "val_loss": "eval/loss",
    "grad_norm": "grad_norm",
    "update_norm": "update_norm",
    "param_norm": "param_norm",
    "lr": "learning_rate",
    "lambda_max": "lambda_max",
}


def _task(gen: np.random.Generator, n: int, noise: float, offset: float = 0.0):
    """Teacher-student regression with standardized targets; 256 validation points."""
    data = teacher_student(n, widths=(5, 16, 1), noise=noise, n_test=256, rng=gen)
    mean, std = float(data.y.mean()), float(data.y.std())
    return (
        data.X + offset,
        (data.y - mean) / std,
        data.X_test + offset,
        (data.y_test - mean) / std,
    )


def generate_run(
    scenario: str,
    rng: int | np.random.Generator = 0,
    *,
    num_steps: int = 300,
    val_every: int = 10,
    curvature_every: int = 20,
) -> dict[str, np.ndarray]:
    """Train one run of a scenario and return its log as named columns.

    Parameters
    ----------
    scenario : str
        A key of ``landscape.diagnostics.SCENARIOS``.
    rng : int or numpy.random.Generator, optional
        Seed or generator for the data, the initialization and the curvature probes.
    num_steps : int, optional
        Updates, >= 50. Default 300.
    val_every : int, optional
        Steps between validation losses (as a trainer evaluates every few steps).
    curvature_every : int, optional
        Steps between estimates of the Hessian's largest eigenvalue (power iteration on
        exact Hessian-vector products, warm-started).

    Returns
    -------
    columns : dict of str to numpy.ndarray, each shape (num_steps + 1,)
        ``step``, ``loss``, ``val_loss``, ``grad_norm``, ``update_norm``,
        ``param_norm``, ``lr`` and ``lambda_max`` (NaN where not measured; a diverged
        run stops early, and its last loss is non-finite or huge).

    Raises
    ------
    ValueError
        If ``scenario`` is unknown or ``num_steps < 50``.
    TypeError
        If ``rng`` is not a seed or Generator, or a count is not an integer.

    Notes
    -----
    The network is an MLP with widths (5, 16, 1) and tanh units (64 units for
    ``overfitting``) on teacher-student regression with mean-squared error
    :math:`L = \\frac{1}{2n}\\sum_i (f_\\theta(x_i) - y_i)^2`; ``lambda_max`` is the
    largest eigenvalue of :math:`\\nabla^2 L`, so ``lr * lambda_max > 2`` marks steps
    beyond the stability limit of gradient descent.

    Examples
    --------
    >>> import landscape as ls
    >>> cols = ls.generate_run("explosion", rng=0)
    >>> bool(cols["lr"][0] * cols["lambda_max"][0] > 2), bool(np.isfinite(cols["loss"][-1]))
    (True, False)
    >>> cols = ls.generate_run("healthy", rng=0)
    >>> bool(cols["loss"][-1] < 0.1 * cols["loss"][0])
    True
    """
    check_choice(scenario, "scenario", tuple(SCENARIOS))
    num_steps = check_positive_int(num_steps, "num_steps", 50)
    val_every = check_positive_int(val_every, "val_every")
    curvature_every = check_positive_int(curvature_every, "curvature_every")
    gen = as_rng(rng)
    width, n, noise, offset = 16, 256, 0.1, 0.0
    if scenario == "overfitting":
        width, n, noise = 64, 20, 0.5
    if scenario == "saturation":
        offset = 100.0
    X, y, X_val, y_val = _task(gen, n, noise, offset)
    net = MLP((5, width, 1), "tanh")
    objective = mlp_objective(net, X, y, "mse")
    validation = mlp_objective(net, X_val, y_val, "mse")
    theta0 = net.init(rng=gen)
    if scenario == "saturation":
        theta0[net.layers[-2].slice] *= 0.1  # a small output layer, as many recipes use

    lam0 = power_iteration(objective, theta0, num_iters=100, tol=1e-4, rng=gen).eigenvalue
    if scenario == "healthy":
        rule = momentum(0.05)
    elif scenario == "lr_too_low":
        rule = gd(2e-4)
    elif scenario == "saturation":
        rule = gd(0.02)
    elif scenario == "explosion":
        rule = gd(2.5 * 2.0 / lam0)
    elif scenario == "explosion_clipped":
        rule = clip_by_global_norm(gd(2.5 * 2.0 / lam0), 0.5)
    elif scenario == "overfitting":
        rule = adam(0.003)
    else:  # early_decay: a cosine schedule that reaches zero after 40% of the steps
        rule = momentum(cosine_decay(0.05, max(1, int(0.4 * num_steps))))

    curvature: dict[int, float] = {}
    probe = [gen.standard_normal(objective.dim)]

    def measure(info) -> None:
        if info.step % curvature_every == 0:
            result = power_iteration(
                objective, info.params, num_iters=100, tol=1e-3, v0=probe[0], rng=gen
            )
            curvature[info.step] = result.eigenvalue
            probe[0] = result.eigenvector

    with np.errstate(all="ignore"):
        traj = train(
            objective,
            theta0,
            rule,
            num_steps,
            rng=gen,
            eval_objectives={"val": validation},
            callback=measure,
        )
    k = len(traj)
    val = np.full(k, np.nan)
    keep = traj.steps % val_every == 0
    val[keep] = traj.eval_losses["val"][keep]
    lam = np.full(k, np.nan)
    for step, value in curvature.items():
        lam[int(np.searchsorted(traj.steps, step))] = value
    with np.errstate(over="ignore", invalid="ignore"):
        param_norm = np.linalg.norm(traj.params, axis=1)
    return {
        "step": traj.steps.astype(float),
        "loss": traj.losses,
        "val_loss": val,
        "grad_norm": traj.grad_norms,
        "update_norm": traj.update_norms,
        "param_norm": param_norm,
        "lr": traj.learning_rates,
        "lambda_max": lam,
    }


def write_log(
    columns: dict[str, np.ndarray], path: str | os.PathLike[str], *, format: str | None = None
) -> Path:
    """Write named columns as a training log: CSV, or JSON lines (one object per row).

    Column names are spelled as trainers write them (``train/loss``, ``eval/loss``,
    ``learning_rate``); NaN cells are left empty (CSV) or omitted (JSON lines), as a
    trainer that did not evaluate at a step would; non-finite losses are kept
    (``nan``/``inf`` in CSV, ``NaN``/``Infinity`` tokens in JSON lines).

    Parameters
    ----------
    columns : dict of str to numpy.ndarray, each shape (n,)
        As returned by :func:`~landscape.generate_run`; keys among ``step`` and
        ``landscape.diagnostics.QUANTITIES``.
    path : str or path
        Destination file.
    format : {"csv", "jsonl"}, optional
        Default: from the suffix (``.jsonl`` for JSON lines, CSV otherwise).

    Returns
    -------
    path : pathlib.Path
        The file written.

    Raises
    ------
    ValueError
        If ``format`` is unknown, a column name is not a quantity, or the columns differ
        in length.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import landscape as ls
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> path = ls.write_log({"step": [0, 1], "loss": [1.0, float("inf")]}, folder / "run.csv")
    >>> print(path.read_text().strip())
    step,train/loss
    0,1.0
    1,inf
    >>> ls.read_log(path).loss.tolist()
    [1.0, inf]
    """
    path = Path(path)
    if format is None:
        format = "jsonl" if path.suffix == ".jsonl" else "csv"
    check_choice(format, "format", ("csv", "jsonl"))
    unknown = sorted(set(columns) - set(_COLUMN_NAMES))
    if unknown:
        raise ValueError(
            f"`columns` has an unknown quantity {unknown[0]!r}; use {', '.join(_COLUMN_NAMES)}."
        )
    arrays = {k: np.asarray(v, dtype=float) for k, v in columns.items()}
    lengths = {v.shape for v in arrays.values()}
    if len(lengths) != 1:
        raise ValueError(f"`columns` must all have the same length, got shapes {sorted(lengths)}.")
    names = [k for k in _COLUMN_NAMES if k in arrays]
    n = next(iter(lengths))[0]

    def cell(name: str, value: float):
        if name == "step" and math.isfinite(value) and value.is_integer():
            return int(value)
        return value

    with path.open("w", newline="", encoding="utf-8") as fh:
        if format == "csv":
            writer = csv.writer(fh)
            writer.writerow([_COLUMN_NAMES[k] for k in names])
            for i in range(n):
                row = []
                for k in names:
                    v = float(arrays[k][i])
                    row.append("" if math.isnan(v) and k != "loss" else repr(cell(k, v)))
                writer.writerow(row)
        else:
            for i in range(n):
                record = {}
                for k in names:
                    v = float(arrays[k][i])
                    if not math.isnan(v) or k == "loss":
                        record[_COLUMN_NAMES[k]] = cell(k, v)
                fh.write(json.dumps(record) + "\n")
    return path


@dataclass(frozen=True, repr=False)
class LabelledRun:
    """One run of the labelled suite, read back from its log file.

    Attributes
    ----------
    scenario : Scenario
        What the run was built to show (its ``labels`` and ``allowed`` detectors).
    seed : int
        The seed it was generated with.
    log : TrainingLog
        The log as :func:`~landscape.read_log` read it.
    path : str
        The log file.

    Examples
    --------
    >>> import landscape as ls
    >>> [run] = ls.labelled_suite(seeds=(3,), scenarios=["saturation"])
    >>> run
    LabelledRun('saturation/3', rows=301, labels=['plateau'])
    >>> run.path.endswith("saturation-3.jsonl")
    True
    """

    scenario: Scenario
    seed: int
    log: TrainingLog
    path: str

    @property
    def name(self) -> str:
        """``"<scenario>/<seed>"``."""
        return f"{self.scenario.name}/{self.seed}"

    def __repr__(self) -> str:
        labels = sorted(self.scenario.labels)
        return f"LabelledRun({self.name!r}, rows={len(self.log)}, labels={labels})"


def labelled_suite(
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    *,
    scenarios: Iterable[str] | None = None,
    directory: str | os.PathLike[str] | None = None,
    num_steps: int = 300,
) -> tuple[LabelledRun, ...]:
    """Generate every scenario for every seed, write each log, and read it back.

    Parameters
    ----------
    seeds : sequence of int, optional
        Seeds per scenario. Default five.
    scenarios : iterable of str, optional
        Scenario names; default all of ``landscape.diagnostics.SCENARIOS``.
    directory : str or path, optional
        Where the logs are written (``<scenario>-<seed>.csv``, JSON lines for odd
        seeds). Default: a fresh temporary directory.
    num_steps : int, optional
        Updates per run.

    Returns
    -------
    runs : tuple of LabelledRun
        Scenario-major, then by seed.

    Raises
    ------
    ValueError
        If a scenario is unknown, ``seeds`` is empty, or a seed is negative.
    TypeError
        If a seed is not an integer.

    Examples
    --------
    >>> import landscape as ls
    >>> runs = ls.labelled_suite(seeds=(0,), scenarios=["healthy", "overfitting"])
    >>> [(r.name, r.log.quantities[:2]) for r in runs]
    [('healthy/0', ('loss', 'val_loss')), ('overfitting/0', ('loss', 'val_loss'))]
    """
    names = tuple(SCENARIOS) if scenarios is None else tuple(scenarios)
    for name in names:
        check_choice(name, "scenarios entry", tuple(SCENARIOS))
    seeds = tuple(check_positive_int(s, "seeds entry", 0) for s in seeds)
    if not seeds:
        raise ValueError("`seeds` must hold at least one seed, got none.")
    folder = Path(tempfile.mkdtemp(prefix="landscape-suite-") if directory is None else directory)
    folder.mkdir(parents=True, exist_ok=True)
    runs = []
    for name in names:
        for seed in seeds:
            columns = generate_run(name, np.random.default_rng(seed), num_steps=num_steps)
            suffix = ".jsonl" if seed % 2 else ".csv"
            path = write_log(columns, folder / f"{name}-{seed}{suffix}")
            runs.append(LabelledRun(SCENARIOS[name], seed, read_log(path), str(path)))
    return tuple(runs)


@dataclass(frozen=True, repr=False)
class DetectorScore:
    """How one detector did on a labelled suite.

    Attributes
    ----------
    detector : str
        Detector name.
    true_positives, false_positives, false_negatives : int
        Runs labelled with it where it fired; runs neither labelled nor allowed where it
        fired; runs labelled with it where it stayed quiet.
    runs : int
        Runs that counted (labelled, or neither labelled nor allowed).
    precision, recall : float
        ``tp / (tp + fp)`` and ``tp / (tp + fn)``; NaN when undefined (it never fired;
        no run is labelled with it).

    Examples
    --------
    >>> import landscape as ls
    >>> score = ls.DetectorScore("plateau", true_positives=4, false_positives=1,
    ...                          false_negatives=0, runs=10)
    >>> score.precision, score.recall
    (0.8, 1.0)
    """

    detector: str
    true_positives: int
    false_positives: int
    false_negatives: int
    runs: int

    @property
    def precision(self) -> float:
        fired = self.true_positives + self.false_positives
        return self.true_positives / fired if fired else math.nan

    @property
    def recall(self) -> float:
        labelled = self.true_positives + self.false_negatives
        return self.true_positives / labelled if labelled else math.nan

    def __repr__(self) -> str:
        return (
            f"DetectorScore({self.detector!r}, precision={self.precision:.3g}, "
            f"recall={self.recall:.3g}, tp={self.true_positives}, fp={self.false_positives}, "
            f"fn={self.false_negatives})"
        )


def score_detectors(
    runs: Sequence[LabelledRun],
    reports: Sequence[Report] | None = None,
    *,
    min_severity: str = "warning",
) -> tuple[DetectorScore, ...]:
    """Precision and recall of every detector over labelled runs.

    Parameters
    ----------
    runs : sequence of LabelledRun
        From :func:`~landscape.labelled_suite`.
    reports : sequence of Report, optional
        ``diagnose(run.log)`` for each run, if already computed.
    min_severity : {"info", "warning", "critical"}, optional
        A detector *fires* on a run when it reports a finding at least this severe.
        Default ``"warning"``: ``info`` findings ask for no action.

    Returns
    -------
    scores : tuple of DetectorScore
        One per detector, in the order of ``landscape.diagnostics.DETECTORS``.

    Raises
    ------
    ValueError
        If ``min_severity`` is unknown or ``reports`` does not match ``runs``.

    Notes
    -----
    For detector :math:`d`, a run labelled with :math:`d` counts as a true positive
    when :math:`d` fires and a false negative otherwise; a run whose scenario neither
    labels nor allows :math:`d` counts as a false positive when :math:`d` fires.

    Examples
    --------
    >>> import landscape as ls
    >>> runs = ls.labelled_suite(seeds=(0,), scenarios=["healthy", "overfitting"])
    >>> score = {s.detector: s for s in ls.score_detectors(runs)}
    >>> score["generalization_gap"]
    DetectorScore('generalization_gap', precision=1, recall=1, tp=1, fp=0, fn=0)
    """
    check_choice(min_severity, "min_severity", SEVERITIES)
    rank = SEVERITIES.index(min_severity)
    if reports is None:
        reports = [diagnose(r.log) for r in runs]
    if len(reports) != len(runs):
        raise ValueError(f"`reports` has {len(reports)} entries for {len(runs)} runs.")
    scores = []
    for name in DETECTORS:
        tp = fp = fn = counted = 0
        for run, report in zip(runs, reports, strict=True):
            fired = any(f.detector == name and f.rank >= rank for f in report.findings)
            if name in run.scenario.labels:
                counted += 1
                tp += fired
                fn += not fired
            elif name not in run.scenario.allowed:
                counted += 1
                fp += fired
        scores.append(DetectorScore(name, tp, fp, fn, counted))
    return tuple(scores)


def checklist(reports: Sequence[Report], *, fixes: int = 1) -> list[dict[str, str]]:
    """The symptom -> cause -> what to log -> fix table, read off the detectors themselves.

    For each detector (in the order of ``landscape.diagnostics.DETECTORS``) one row built
    from its registration (what it looks for, what it needs logged) and from the first
    and most severe finding it produced in ``reports`` (the landscape cause and the fixes
    it suggests): nothing in the table is written by hand.

    Parameters
    ----------
    reports : sequence of Report
        Reports to take findings from (e.g. one per run of :func:`~landscape.labelled_suite`).
    fixes : int, optional
        Fixes per row, most promising first. Default 1.

    Returns
    -------
    rows : list of dict
        Keys ``detector``, ``symptom``, ``log`` (the quantities the detector requires,
        then "; better with" the optional ones that change what it finds), ``cause``,
        ``fixes`` (joined with " / "), ``severity`` and ``source`` (the report the row
        comes from). A detector
        without a finding in ``reports`` gets empty ``cause`` and ``fixes``.

    Raises
    ------
    TypeError
        If an entry of ``reports`` is not a :class:`~landscape.Report`.
    ValueError
        If ``fixes < 1``.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> report = ls.diagnose(ls.TrainingLog.from_arrays(loss=[1.0, 0.5, np.nan]))
    >>> row = ls.checklist([report])[0]
    >>> row["detector"], row["symptom"], row["severity"]
    ('divergence', 'NaN/inf or explosive loss', 'critical')
    >>> row["log"]
    'loss; better with grad_norm, lr, lambda_max'
    >>> row["fixes"]
    'Lower the peak learning rate (try 2-10x smaller).'
    """
    fixes = check_positive_int(fixes, "fixes")
    for report in reports:
        if not isinstance(report, Report):
            raise TypeError(f"`reports` must hold Report objects, got {type(report).__name__}.")
    rows = []
    for name, det in DETECTORS.items():
        found = [(f, r) for r in reports for f in r.findings if f.detector == name]
        found.sort(key=lambda pair: -pair[0].rank)
        row = {
            "detector": name,
            "symptom": det.looks_for,
            "log": ", ".join(det.requires)
            + (f"; better with {', '.join(det.sharpened_by)}" if det.sharpened_by else ""),
            "cause": "",
            "fixes": "",
            "severity": "",
            "source": "",
        }
        if found:
            finding, report = found[0]
            row.update(
                cause=finding.cause,
                fixes=" / ".join(finding.fixes[:fixes]),
                severity=finding.severity,
                source=report.source,
            )
        rows.append(row)
    return rows

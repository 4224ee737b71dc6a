"""Curvature benchmark: exact HVPs, eigen-solvers, batched losses, memory.

Run from the repository root (single-threaded BLAS is set here before NumPy loads):

    PYTHONPATH=. python tests/benchmarks/bench_curvature.py [--section 5 ...]

Everything is measured side by side in one run and printed as ratios. The PyTorch
comparison runs when ``torch`` imports, or in a subprocess when the environment variable
``LANDSCAPE_TORCH_PYTHON`` names a Python interpreter that has torch (kept out of the
project's own environment); otherwise it is skipped.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import itertools  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

WIDTHS = (100, 256, 256, 10)  # 94,218 parameters
NUM_SAMPLES = 1000
ROWS: list[tuple[str, str, str, str]] = []


def row(name: str, measured: str, target: str = "", verdict: str = "") -> None:
    ROWS.append((name, measured, target, verdict))
    print(f"  {name}: {measured}" + (f"   [target {target}: {verdict}]" if target else ""))


def timed(functions: dict, rounds: int = 7) -> dict:
    """Median seconds per call, timing the functions interleaved round by round."""
    for fn in functions.values():
        fn()
    samples = {name: [] for name in functions}
    for _ in range(rounds):
        for name, fn in functions.items():
            start = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - start)
    return {name: float(np.median(times)) for name, times in samples.items()}


def problem(widths=WIDTHS, n=NUM_SAMPLES, steps=20, activation="tanh"):
    import landscape as ls

    data = ls.gaussian_blobs(n, num_classes=widths[-1], dim=widths[0], radius=3.0, rng=0)
    mlp = ls.MLP(widths, activation)
    f = ls.mlp_objective(mlp, data.X, data.y, "cross_entropy")
    theta = mlp.init(rng=0)
    for _ in range(steps):  # move off the initialization a little
        theta = theta - 0.5 * f.grad(theta)
    return f, theta


# ------------------------------------------------------------------------- sections
def bench_hvp(f, theta) -> None:
    print(f"\n[1] HVP vs gradient: MLP {WIDTHS} tanh, cross-entropy, d={f.dim}, n={NUM_SAMPLES}")
    rng = np.random.default_rng(1)
    thetas = [theta + 1e-3 * rng.standard_normal(f.dim) for _ in range(4)]
    vs = [rng.standard_normal(f.dim) for _ in range(4)]
    counter = {"i": 0}

    def nxt():
        counter["i"] += 1
        return counter["i"] % 4

    h = np.finfo(float).eps ** (1 / 3) * max(1.0, np.linalg.norm(theta))

    def fd_hvp(t, v):
        step = h / np.linalg.norm(v)
        return (f.grad(t + step * v) - f.grad(t - step * v)) / (2 * step)

    def hvp_warm():
        f.hvp(theta, vs[nxt()])

    times = timed(
        {
            "value": lambda: f.value(thetas[nxt()]),
            "grad": lambda: f.grad(thetas[nxt()]),
            "hvp_cold": lambda: f.hvp(thetas[nxt()], vs[0]),
            "fd_hvp": lambda: fd_hvp(thetas[nxt()], vs[0]),
        },
        rounds=9,
    )
    # Warm HVPs: the objective caches the forward pass of the last theta (primed here).
    f.grad(theta)
    warm = timed({"hvp_warm": hvp_warm}, rounds=9)["hvp_warm"]
    batch = np.stack(vs + vs + vs[:2])
    batched = timed({"hvps10": lambda: f.hvps(theta, batch)}, rounds=5)["hvps10"] / 10
    g = times["grad"]
    row("value / grad time (ms)", f"{1e3 * times['value']:.1f} / {1e3 * g:.1f}")
    row(
        "HVP, new theta (forward included) / grad",
        f"{times['hvp_cold'] / g:.2f}  ({1e3 * times['hvp_cold']:.1f} ms)",
        "<= 2",
        "met" if times["hvp_cold"] / g <= 2 else "NOT met",
    )
    row(
        "HVP, same theta (cached forward, as in Lanczos) / grad",
        f"{warm / g:.2f}  ({1e3 * warm:.1f} ms)",
        "<= 2",
        "met" if warm / g <= 2 else "NOT met",
    )
    row("batched HVP (10 vectors), per vector / grad", f"{batched / g:.2f}")
    row(
        "central finite-difference HVP / exact HVP (new theta)",
        f"{times['fd_hvp'] / times['hvp_cold']:.2f}  ({1e3 * times['fd_hvp']:.1f} ms)",
    )
    diff = np.linalg.norm(f.hvp(theta, vs[0]) - fd_hvp(theta, vs[0]))
    row(
        "exact vs finite-difference HVP, relative difference (d=94k)",
        f"{diff / np.linalg.norm(f.hvp(theta, vs[0])):.1e}",
    )


def bench_accuracy() -> None:
    """Exact and finite-difference HVPs against an extended-precision R-operator."""
    import landscape as ls
    from landscape import _nn_kernels as K

    widths = (20, 32, 32, 5)
    print(f"\n[2] HVP accuracy vs an 80-bit long-double R-operator: MLP {widths}, n=200")
    f, theta = problem(widths, n=200, steps=20)
    v = np.random.default_rng(2).standard_normal(f.dim)
    mlp = f.mlp
    ld = np.longdouble

    def hvp_long(theta64, v64):
        t, vv = theta64.astype(ld), v64.astype(ld)
        weights, biases = mlp._split(t)
        state = K.state_at(weights, biases, f.X.astype(ld), f.y, K.ACTIVATIONS["tanh"], f.loss)
        dir_w, dir_b = mlp._split_batch(vv[None])
        out = np.empty((1, f.dim), dtype=ld)
        res_w, res_b = mlp._split_batch(out)
        K.r_operator(
            state,
            weights,
            dir_w,
            dir_b,
            K.ACTIVATIONS["tanh"],
            list(zip(res_w, res_b, strict=True)),
        )
        return out[0]

    ref = hvp_long(theta, v)
    exact = f.hvp(theta, v).astype(ld)
    h = np.finfo(float).eps ** (1 / 3) * max(1.0, np.linalg.norm(theta)) / np.linalg.norm(v)
    fd = ((f.grad(theta + h * v) - f.grad(theta - h * v)) / (2 * h)).astype(ld)
    H = f.hessian(theta)
    dense = (H @ v).astype(ld)

    def rel(a):
        return float(np.linalg.norm(a - ref) / np.linalg.norm(ref))

    row(f"exact R-operator HVP, relative error (d={f.dim})", f"{rel(exact):.1e}")
    row("dense Hessian @ v, relative error", f"{rel(dense):.1e}")
    row("central finite-difference HVP, relative error", f"{rel(fd):.1e}")
    check = ls.check_hvp(f, theta, num_probes=3)
    row("ls.check_hvp max relative error", f"{check.max_rel_error:.1e}")


TORCH_WORKER = "--torch-worker"


def torch_measure(path: str) -> dict:
    """Time and compare PyTorch's HVPs on the saved network (runs where torch imports)."""
    import torch

    torch.set_num_threads(1)
    saved = np.load(path)
    X = torch.from_numpy(saved["X"])
    y = torch.from_numpy(saved["y"]).long()
    theta = torch.from_numpy(saved["theta"])
    v = torch.from_numpy(saved["v"])
    widths = [int(w) for w in saved["widths"]]

    def loss(t):
        a, start = X, 0
        for layer, (fan_in, fan_out) in enumerate(itertools.pairwise(widths)):
            W = t[start : start + fan_in * fan_out].view(fan_out, fan_in)
            start += fan_in * fan_out
            b = t[start : start + fan_out]
            start += fan_out
            a = a @ W.T + b
            if layer < len(widths) - 2:
                a = torch.tanh(a)
        return torch.nn.functional.cross_entropy(a, y)

    grad_fn = torch.func.grad(loss)

    def fwd_over_rev():
        return torch.func.jvp(grad_fn, (theta,), (v,))[1]

    def double_backward():
        t = theta.detach().requires_grad_(True)
        (g,) = torch.autograd.grad(loss(t), t, create_graph=True)
        (hv,) = torch.autograd.grad(g @ v, t)
        return hv

    def grad_only():
        t = theta.detach().requires_grad_(True)
        return torch.autograd.grad(loss(t), t)[0]

    times = timed(
        {"grad": grad_only, "fwd_over_rev": fwd_over_rev, "double_backward": double_backward},
        rounds=9,
    )
    return {
        **times,
        "hvp_fwd_over_rev": fwd_over_rev().numpy().tolist(),
        "hvp_double_backward": double_backward().numpy().tolist(),
        "torch": torch.__version__,
    }


def bench_torch(f, theta) -> None:
    print("\n[3] PyTorch (CPU, float64, 1 thread) on the same network and data")
    v = np.random.default_rng(3).standard_normal(f.dim)
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "net.npz")
        np.savez(path, X=f.X, y=f.y, theta=theta, v=v, widths=np.array(f.mlp.widths))
        try:
            import torch  # noqa: F401

            result = torch_measure(path)
        except ImportError:
            python = os.environ.get("LANDSCAPE_TORCH_PYTHON")
            if not python:
                row(
                    "PyTorch comparison",
                    "skipped (torch not importable, LANDSCAPE_TORCH_PYTHON unset)",
                )
                return
            out = subprocess.run(
                [python, __file__, TORCH_WORKER, path],
                check=True,
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
            )
            result = json.loads(out.stdout.strip().splitlines()[-1])
    f.grad(theta)
    ours = timed({"grad": lambda: f.grad(theta + 0.0), "hvp": lambda: f.hvp(theta, v)}, rounds=9)
    ours_cold = timed({"hvp": lambda: f.hvp(theta + 1e-9, v)}, rounds=5)["hvp"]
    exact = f.hvp(theta, v)
    for key in ("hvp_fwd_over_rev", "hvp_double_backward"):
        other = np.array(result[key])
        row(
            f"torch {key[4:]} vs ours, relative difference",
            f"{np.linalg.norm(other - exact) / np.linalg.norm(exact):.1e}",
            "~1e-12",
            "met" if np.linalg.norm(other - exact) <= 1e-12 * np.linalg.norm(exact) else "NOT met",
        )
    row(f"torch {result['torch']} grad time / ours", f"{result['grad'] / ours['grad']:.2f}")
    row(
        "torch forward-over-reverse HVP time / ours (new theta | cached)",
        f"{result['fwd_over_rev'] / ours_cold:.2f} | {result['fwd_over_rev'] / ours['hvp']:.2f}",
    )
    double = result["double_backward"]
    row(
        "torch double-backward HVP time / ours (new theta | cached)",
        f"{double / ours_cold:.2f} | {double / ours['hvp']:.2f}",
    )
    row(
        "torch HVP / torch grad (fwd-over-rev | double backward)",
        f"{result['fwd_over_rev'] / result['grad']:.2f} | "
        f"{result['double_backward'] / result['grad']:.2f}",
    )


def bench_eigen(f, theta) -> None:
    from scipy.sparse.linalg import eigsh

    import landscape as ls

    print("\n[4] Top-5 Hessian eigenvalues")
    results = {}

    def lanczos():
        results["lanczos"] = ls.top_eigenpairs(f, theta, k=5, tol=1e-8)

    def lanczos_tight():
        results["lanczos_tight"] = ls.top_eigenpairs(f, theta, k=5, tol=1e-12)

    def arpack():
        results["eigsh"] = ls.top_eigenpairs(f, theta, k=5, method="eigsh", tol=1e-8)

    def arpack_raw():
        op = ls.HessianOperator(f, theta)
        results["eigsh_raw"] = (eigsh(op, k=5, which="LA", v0=np.ones(f.dim)), op.num_matvecs)

    times = timed(
        {"lanczos": lanczos, "lanczos_tight": lanczos_tight, "eigsh": arpack, "raw": arpack_raw},
        rounds=3,
    )
    lz, ar = results["lanczos"], results["eigsh"]
    gap = np.max(np.abs(lz.eigenvalues - ar.eigenvalues) / np.abs(ar.eigenvalues))
    row("eigenvalues (Lanczos)", np.array2string(lz.eigenvalues, precision=5))
    row("Lanczos vs eigsh eigenvalues, max relative difference", f"{gap:.1e}")
    for name, label in (
        ("lanczos", "Lanczos tol=1e-8"),
        ("lanczos_tight", "Lanczos tol=1e-12"),
        ("eigsh", "eigsh tol=1e-8"),
    ):
        res = results[name]
        row(
            f"{label}: time (s), HVPs, max residual",
            f"{times[name]:.2f}, {res.num_matvecs}, {res.residual_norms.max():.1e}",
        )
    row(
        "raw scipy eigsh(which='LA', tol=0): time (s), HVPs",
        f"{times['raw']:.2f}, {results['eigsh_raw'][1]}",
    )
    ratio = times["lanczos"] / times["eigsh"]
    row(
        "Lanczos time / eigsh time (same tol)",
        f"{ratio:.2f}",
        "<= 1",
        "met" if ratio <= 1 else "NOT met",
    )
    row(
        "Lanczos tol=1e-12 time / raw eigsh (tol=0) time",
        f"{times['lanczos_tight'] / times['raw']:.2f}",
    )
    # Warm start: the edge-of-stability pattern, one GD step then re-estimate lambda_max.
    for lr in (0.5, 0.01):
        step = theta - lr * f.grad(theta)
        kwargs = {"k": 1, "tol": 1e-4, "check_symmetry": False}
        cold = ls.top_eigenpairs(f, step, **kwargs)
        warm = ls.top_eigenpairs(f, step, v0=lz.eigenvectors[:, 0], **kwargs)
        overlap = abs(cold.eigenvectors[:, 0] @ lz.eigenvectors[:, 0])
        row(
            f"lambda_max after a GD step (lr={lr}, tol=1e-4): HVPs cold | warm",
            f"{cold.num_matvecs} | {warm.num_matvecs}  (overlap of top vectors {overlap:.3f})",
        )

    widths = (100, 32, 10)
    g, theta_g = problem(widths, steps=20)
    print(f"    dense comparison on MLP {widths}, d={g.dim}")
    start = time.perf_counter()
    dense = np.linalg.eigvalsh(g.hessian(theta_g))
    t_dense = time.perf_counter() - start
    start = time.perf_counter()
    top = ls.top_eigenpairs(g, theta_g, k=5, tol=1e-8)
    t_lz = time.perf_counter() - start
    err = np.max(np.abs(top.eigenvalues - dense[::-1][:5]) / dense[-1])
    row(
        f"dense Hessian + eigvalsh (d={g.dim}) time / Lanczos top-5 time",
        f"{t_dense / t_lz:.0f}  ({t_dense:.2f} s vs {t_lz:.3f} s; top-5 agree to {err:.0e})",
    )


def _floors(f, num_points: int) -> tuple:
    """The unavoidable arithmetic of ``num_points`` network evaluations, as two functions.

    First: the activation function alone (the package's own ``fn``, on standard normal
    inputs in cache-sized blocks), once per hidden unit, sample and point. Second: each
    point's own layer products after the first layer (stacked matrix products of the
    shape the batched path uses), which no batching can share between points; the first
    layer is left out, since along a plane it is shared.
    """
    from landscape import _nn_kernels as K
    from landscape.nn import _chunk_size

    widths, n = f.mlp.widths, f.num_samples
    act = K.ACTIVATIONS[f.mlp.activation].fn
    total = num_points * n * sum(widths[1:-1])
    block = np.random.default_rng(5).standard_normal(2**15)
    reps, rest = divmod(total, block.size)

    def activations():
        for _ in range(reps):
            act(block)
        act(block[:rest])

    chunk = min(num_points, _chunk_size(3 * n * max(widths)))
    rng = np.random.default_rng(6)
    pairs = [
        (rng.standard_normal((chunk, fan_out, fan_in)), rng.standard_normal((chunk, fan_in, n)))
        for fan_in, fan_out in itertools.pairwise(widths[1:])
    ]
    full, part = divmod(num_points, chunk)

    def products():
        for W, a in pairs:
            for _ in range(full):
                np.matmul(W, a)
            if part:
                np.matmul(W[:part], a[:part])

    return activations, products


def bench_values() -> None:
    import landscape as ls

    print("\n[5] Batched losses on a 2-D slice grid vs a Python loop over grid points")
    print(
        "    batched = what the book calls (ls.slice_2d / ls.slice_through_points); "
        "values = f.values(thetas) on the same points; loop = [f.value(t) for t in thetas]"
    )
    configs = [
        ("tiny (2, 8, 2) tanh, n=50, 51 x 51", (2, 8, 2), 50, "tanh", (51, 51), "2d"),
        ("(2, 32, 32, 2) tanh, n=300, 51 x 51", (2, 32, 32, 2), 300, "tanh", (51, 51), "2d"),
        ("(2, 32, 32, 2) relu, n=300, 51 x 51", (2, 32, 32, 2), 300, "relu", (51, 51), "2d"),
        (
            "book, sharpness: (2, 32, 32, 3) relu, n=64, 51 x 51",
            (2, 32, 32, 3),
            64,
            "relu",
            (51, 51),
            "2d",
        ),
        (
            "book, mode connectivity: (2, 64, 2) tanh, n=200, 61 x 71 (3 points)",
            (2, 64, 2),
            200,
            "tanh",
            (61, 71),
            "points",
        ),
        (f"benchmark net {WIDTHS} tanh, n=1000, 11 x 11", WIDTHS, 1000, "tanh", (11, 11), "2d"),
    ]
    for label, widths, n, activation, (n_alpha, n_beta), kind in configs:
        f, theta = problem(widths, n=n, steps=0, activation=activation)
        rng = np.random.default_rng(4)
        u, w = rng.standard_normal((2, f.dim))
        if kind == "2d":
            directions, origin = np.stack([u, w]), theta

            def batched(f=f, origin=origin, directions=directions, grid=(n_alpha, n_beta)):
                return ls.slice_2d(f, origin, directions, num_points=grid)
        else:
            points = np.stack([theta, theta + u, theta + w])

            def batched(f=f, points=points, grid=(n_alpha, n_beta)):
                return ls.slice_through_points(f, points, num_points=grid)

        plane = batched()
        aa, bb = np.meshgrid(plane.alphas, plane.betas)
        coords = np.column_stack([aa.ravel(), bb.ravel()])
        thetas = plane.center + coords @ plane.directions.vectors
        activations, products = _floors(f, thetas.shape[0])
        times = timed(  # interleaved round by round, so load on the machine hits all alike
            {
                "batched": batched,
                "values": lambda f=f, thetas=thetas: f.values(thetas),
                "loop": lambda f=f, thetas=thetas: [f.value(t) for t in thetas],
                "activations": activations,
                "products": products,
            },
            rounds=3,
        )
        floor_act = times["activations"]
        floor_all = floor_act + times["products"]
        loop = np.array([f.value(t) for t in thetas])
        diffs = np.abs(np.concatenate([plane.losses.ravel(), f.values(thetas)]) - np.tile(loop, 2))
        rel = np.max(diffs / np.tile(np.abs(loop), 2))
        ratio = times["loop"] / times["batched"]
        row(
            f"{label}: loop / batched",
            f"{ratio:.1f}  ({times['batched']:.3f} s vs {times['loop']:.3f} s; "
            f"loop / values {times['loop'] / times['values']:.1f}; max diff "
            f"{np.max(diffs):.0e} abs, {rel:.0e} rel; losses in "
            f"[{loop.min():.1e}, {loop.max():.1e}])",
            ">= 10",
            "met" if ratio >= 10 else "NOT met",
        )
        row(
            f"{label}: floor (activations | + per-point products)",
            f"{floor_act:.3f} s | {floor_all:.3f} s: best possible loop / floor "
            f"{times['loop'] / floor_act:.1f} | {times['loop'] / floor_all:.1f}; "
            f"batched / floor {times['batched'] / floor_act:.2f} | "
            f"{times['batched'] / floor_all:.2f}",
        )


def bench_memory(f, theta) -> None:
    import landscape as ls

    print("\n[6] Memory of the top-5 computation")
    f.hvp(theta + 1.0, np.ones(f.dim))  # drop the cached state so it is counted below
    tracemalloc.start()
    ls.top_eigenpairs(f, theta, k=5, tol=1e-8)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    d = f.dim
    row(
        "peak traced allocation during top_eigenpairs(k=5)",
        f"{peak / 2**20:.1f} MiB = {peak / (8 * d):.0f} x (d floats); "
        f"a dense Hessian would be {8 * d * d / 2**30:.0f} GiB",
        "O(d)",
        "met" if peak < 200 * 8 * d else "NOT met",
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    row("process peak RSS over the whole benchmark", f"{rss:.0f} MiB")


SECTIONS = {
    "1": "HVP vs gradient",
    "2": "HVP accuracy",
    "3": "PyTorch",
    "4": "eigen-solvers",
    "5": "batched losses",
    "6": "memory",
}


def main(argv: list[str] | None = None) -> None:
    import argparse

    import numpy as np_module
    import scipy

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--section",
        action="append",
        choices=sorted(SECTIONS),
        help="run only this section (repeatable): "
        + ", ".join(f"{k} {v}" for k, v in SECTIONS.items()),
    )
    args = parser.parse_args(argv)
    wanted = set(args.section or SECTIONS)
    print(
        f"numpy {np_module.__version__}, scipy {scipy.__version__}, "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}"
    )
    f, theta = problem() if wanted & {"1", "3", "4", "6"} else (None, None)
    if "1" in wanted:
        bench_hvp(f, theta)
    if "2" in wanted:
        bench_accuracy()
    if "3" in wanted:
        bench_torch(f, theta)
    if "4" in wanted:
        bench_eigen(f, theta)
    if "5" in wanted:
        bench_values()
    if "6" in wanted:
        bench_memory(f, theta)
    print("\nSummary")
    width = max(len(r[0]) for r in ROWS)
    for name, measured, target, verdict in ROWS:
        extra = f"  | target {target}: {verdict}" if target else ""
        print(f"{name.ljust(width)} | {measured}{extra}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == TORCH_WORKER:
        print(json.dumps(torch_measure(sys.argv[2])))
    else:
        main()

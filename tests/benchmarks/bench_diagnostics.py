"""Diagnostics benchmark: reading a 100 MB training log and diagnosing it.

Run from the repository root:

    PYTHONPATH=. python tests/benchmarks/bench_diagnostics.py [--megabytes 100]

It writes a synthetic CSV and a JSON-lines log of the requested size to a temporary
directory (a healthy run with a divergence near the end, 7 quantities, sparse validation
rows) and measures, each in a fresh subprocess so that peak memory is the reader's own:

* ``read_log`` throughput (MB of text per CPU second) and peak resident memory above the
  interpreter's baseline (numpy and landscape imported), for CSV, gzip-compressed CSV
  and JSON lines, next to the size of the float64 arrays the log holds;
* side by side, two references on the same file: iterating ``csv.reader`` without parsing
  a number (a floor for any pure-Python CSV reader) and ``numpy.loadtxt`` (NumPy's C
  parser, which cannot survive a single bad cell);
* ``diagnose`` on the log read.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]

_CHILD = r"""
import json, resource, sys, time
import numpy as np
import landscape as ls
kind, path = sys.argv[1], sys.argv[2]

def peak_kb():
    # VmHWM is this process's own high-water mark; ru_maxrss would carry over the
    # parent's from before exec on Linux.
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

base = peak_kb()
start = time.perf_counter()
cpu0 = time.process_time()
out = {}
if kind == "read":
    log = ls.read_log(path)
    out["rows"] = len(log)
    out["notes"] = len(log.notes)
    out["array_mb"] = sum(
        getattr(log, q).nbytes for q in ("step", "loss_logged", *log.quantities)
    ) / 2**20
    mid = time.perf_counter()
    cpu = time.process_time() - cpu0
    out["read_peak_mb"] = (peak_kb() - base) / 1024
    report = ls.diagnose(log)
    out["diagnose_s"] = time.perf_counter() - mid
    out["status"] = report.status
    out["findings"] = [f"{f.severity}:{f.detector}" for f in report.findings]
    elapsed = mid - start
elif kind == "csv_floor":
    import csv
    with open(path, newline="") as fh:
        out["rows"] = sum(1 for _ in csv.reader(fh)) - 1
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu0
elif kind == "loadtxt":
    arr = np.loadtxt(path, delimiter=",", skiprows=1, usecols=(0, 1, 3, 4, 5, 6))
    out["rows"] = arr.shape[0]
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu0
out["seconds"] = elapsed
out["cpu_seconds"] = cpu
out["peak_mb"] = (peak_kb() - base) / 1024
print(json.dumps(out))
"""


def write_logs(directory: Path, megabytes: float) -> dict[str, Path]:
    """A healthy run that diverges near the end, as CSV, CSV.gz and JSON lines."""
    rng = np.random.default_rng(0)
    bytes_per_row = 52  # measured for the CSV written below
    n = int(megabytes * 1e6 / bytes_per_row)
    t = np.arange(n)
    loss = 2.0 * np.exp(-4.0 * t / n + 0.1 * rng.standard_normal(n))
    onset = int(0.97 * n)
    loss[onset:] *= np.exp(np.minimum(0.001 * (t[onset:] - onset), 700))
    grad = np.sqrt(loss) * np.exp(0.2 * rng.standard_normal(n))
    lr = 1e-3 * np.minimum(1.0, (t + 1) / (0.02 * n))
    param = 50.0 + t / n
    update = 1e-3 * param * np.exp(0.3 * rng.standard_normal(n))
    val = np.where(t % 1000 == 999, 1.05 * loss, np.nan)
    paths = {"csv": directory / "run.csv", "jsonl": directory / "run.jsonl"}
    chunk = 200_000
    with open(paths["csv"], "w") as csv_fh, open(paths["jsonl"], "w") as json_fh:
        csv_fh.write("step,train/loss,eval/loss,grad_norm,learning_rate,update_norm,param_norm\n")
        for a in range(0, n, chunk):
            b = min(a + chunk, n)
            block = np.column_stack(
                [t[a:b], loss[a:b], val[a:b], grad[a:b], lr[a:b], update[a:b], param[a:b]]
            )
            np.savetxt(
                csv_fh,
                block,
                fmt=["%d", "%.6g", "%.6g", "%.6g", "%.4g", "%.6g", "%.6g"],
                delimiter=",",
            )
            for i in range(a, b):
                rec = {
                    "step": int(t[i]),
                    "loss": float(f"{loss[i]:.6g}"),
                    "grad_norm": float(f"{grad[i]:.6g}"),
                    "lr": float(f"{lr[i]:.4g}"),
                }
                if not np.isnan(val[i]):
                    rec["eval_loss"] = float(f"{val[i]:.6g}")
                json_fh.write(json.dumps(rec) + "\n")
    paths["csv.gz"] = directory / "run.csv.gz"
    with open(paths["csv"], "rb") as src, gzip.open(paths["csv.gz"], "wb", compresslevel=3) as dst:
        shutil.copyfileobj(src, dst)
    # np.savetxt writes "nan" for the missing validation values; outside the loss a NaN
    # is read as missing, so this CSV means the same as one with empty cells.
    return paths


def child(kind: str, path: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-c", _CHILD, kind, str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(run.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=100.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_logs(Path(tmp), args.megabytes)
        sizes = {k: p.stat().st_size / 1e6 for k, p in paths.items()}
        text_mb = {k: (sizes["csv"] if k == "csv.gz" else sizes[k]) for k in paths}
        print(f"Diagnostics benchmark ({args.megabytes:g} MB target, single process)")
        print(f"  (load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores;")
        print("   throughput is given per CPU second, which contention inflates less)")
        for kind, path in paths.items():
            res = child("read", path)
            rate = text_mb[kind] / res["cpu_seconds"]
            print(
                f"  read_log {kind:6s} {sizes[kind]:6.1f} MB on disk, {res['rows']:,} rows "
                f"({res['array_mb']:.0f} MB of arrays): "
                f"{res['cpu_seconds']:5.2f} CPU s ({res['seconds']:5.2f} wall) = {rate:5.1f} "
                f"MB/s of text; peak memory +{res['read_peak_mb']:.0f} MB"
            )
            print(
                f"      diagnose: {res['diagnose_s']:.2f} s wall, peak memory "
                f"+{res['peak_mb']:.0f} MB in all -> {res['status']} "
                f"({', '.join(res['findings'])})"
            )
            if kind == "csv":
                csv_read = res
        floor = child("csv_floor", paths["csv"])
        loadtxt = child("loadtxt", paths["csv"])
        print(
            f"  csv.reader without parsing a number (floor): {floor['cpu_seconds']:.2f} CPU s; "
            f"read_log / floor = {csv_read['cpu_seconds'] / floor['cpu_seconds']:.2f}x"
        )
        print(
            f"  numpy.loadtxt (C parser, no bad-cell handling): {loadtxt['cpu_seconds']:.2f} "
            f"CPU s, peak +{loadtxt['peak_mb']:.0f} MB; read_log / loadtxt = "
            f"{csv_read['cpu_seconds'] / loadtxt['cpu_seconds']:.2f}x"
        )


if __name__ == "__main__":
    main()

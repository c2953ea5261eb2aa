"""Benchmark: wall time and peak memory of the full-scale course simulation (target: < 2 min, < 4 GB).

Run: .venv/bin/python bench/simulate.py [--cells 72208] [--genes 5000] [--no-write]
"""
import argparse, resource, tempfile, time, os
from pathlib import Path

def peak_gb(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # ru_maxrss is in KiB on Linux

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--cells', type=int, default=72_208); p.add_argument('--genes', type=int, default=5_000)
    p.add_argument('--seed', type=int, default=0); p.add_argument('--no-write', action='store_true')
    a = p.parse_args()
    t0 = time.perf_counter()
    from sadvae.data import simulate_course, write_pair, summarize
    import threadpoolctl, numpy as np
    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    tr, te = simulate_course(n_cells=a.cells, n_test=round(a.cells/4), n_genes=a.genes, seed=a.seed)
    t_sim = time.perf_counter() - t0
    t_write, size = 0.0, 0
    if not a.no_write:
        with tempfile.TemporaryDirectory() as d:
            t0 = time.perf_counter(); write_pair(tr, te, d); t_write = time.perf_counter() - t0
            size = sum(f.stat().st_size for f in Path(d).iterdir())
    print(f"cells x genes        : {tr.n_obs:,} x {tr.n_vars:,} (test {te.n_obs:,})")
    print(f"cores                : {os.cpu_count()}")
    print(f"import               : {t_import:6.1f} s")
    print(f"simulate             : {t_sim:6.1f} s")
    print(f"write train+test     : {t_write:6.1f} s ({size/2**20:,.0f} MiB)")
    print(f"total                : {t_import + t_sim + t_write:6.1f} s   (target < 120 s)")
    print(f"peak resident memory : {peak_gb():6.2f} GiB (target < 4 GiB)")
    print(summarize(tr).to_string())

if __name__ == '__main__': main()

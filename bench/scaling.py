"""Benchmark: how the cost of `fit` grows with the data, on 10k, 72k, 300k and 1M simulated cells x 5,000 genes.

  .venv/bin/python bench/scaling.py                            # the four sizes (their data made once; 1M cells: ~4 GB)
  .venv/bin/python bench/scaling.py --sizes 10000 72208 --epochs 2
  .venv/bin/python bench/scaling.py --one 300000               # one measurement, printed as JSON
  .venv/bin/python bench/scaling.py --sizes 1000000 --backed   # out of core: the 1M-cell file trained from disk beside in memory

Each size trains [256]/32 on processed counts (counts / size factors, standardised per minibatch; the grid's model),
minibatches of 128, 2 threads, `--epochs` epochs, in its own process. It reports seconds per epoch (median after the
first), cells per second, the in-memory size of the sparse matrix, the resident memory when `fit` starts, the peak
during `fit` (sampled every 50 ms) and the process's peak. "Peak during fit minus the matrix" is the part that should
not grow with the number of cells.

The data of each size is simulated in chunks of at most 100,000 cells, written to their own files and joined on disk
by anndata's `concat_on_disk`, so no step holds more than one chunk of simulated counts (the simulator peaks at about
2 GB per 90,000 cells). Every chunk shares the simulator's genes and programmes (`seed=0`) and draws its own cells
(`cell_seed=k`); the whole gene pool is kept (`pool_factor=1`), so all chunks have the same 5,000 genes. The files keep only what the model reads: X (processed counts)
and the cell annotations. They go to $SADVAE_CACHE/scaling (default ~/.cache/sadvae/scaling).
Writes results/bench/scaling.csv and the log-log plot results/bench/scaling.png.

With --backed, each size is also trained from disk (`sadvae.train.backed_cells`: CSR row blocks of 1,024 cells read
with h5py, a buffer of --buffer cells in memory, block-shuffled order) in its own process, right after the
in-memory run, and the two are written to results/bench/scaling_backed.csv: cells per second from disk as a share
of in memory, peak memory against the matrix's in-memory size, and the final training loss of each.
"""
import argparse, json, os, resource, subprocess, sys, threading, time
from pathlib import Path
import numpy as np

BATCH, THREADS, ARCH, CHUNK = 128, 2, '256-32', 100_000
SIZES = (10_000, 72_208, 300_000, 1_000_000)

def rss_gb(): return int(open('/proc/self/statm').read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 2**30
def peak_gb(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20

def data_file(n:int, genes:int=5_000)->Path:
    "The simulated file of `n` cells (made once, in chunks)."
    import anndata as ad
    from anndata.experimental import concat_on_disk
    from sadvae.data import cache_dir, simulate_course, atomic_path
    d = cache_dir()/'scaling'; d.mkdir(parents=True, exist_ok=True); f = d/f'cells{n}_genes{genes}.h5ad'
    if f.exists(): return f
    parts = []
    for k, s in enumerate(range(0, n, CHUNK)):
        m = min(CHUNK, n - s); p = d/f'.part{n}_{k}.h5ad'; parts.append(p)
        if p.exists(): continue   # resumable: a chunk written earlier is kept
        tr, _ = simulate_course(n_cells=m, n_test=min(1000, m // 4), n_genes=genes, seed=0, cell_seed=k, pool_factor=1.)  # one gene set, new cells
        a = ad.AnnData(tr.X, obs=tr.obs[['cell_type', 'batch']].set_axis([f'{k}-{i}' for i in range(m)]), var=tr.var[[]])
        with atomic_path(p) as tmp: a.write_h5ad(tmp)
        del tr, a
        print(f'  chunk {k + 1} of {-(-n // CHUNK)}: {m:,} cells', flush=True)
    tmp = f.with_name(f'.{f.stem}.partial.h5ad')  # concat_on_disk picks the format by the suffix, so keep .h5ad
    if len(parts) == 1: Path(parts[0]).rename(tmp)
    else: concat_on_disk([str(p) for p in parts], str(tmp))
    tmp.rename(f)  # only a finished file gets the final name
    for p in parts: Path(p).unlink(missing_ok=True)
    return f

def one(n:int, epochs:int, backed:bool=False, buffer:int=65_536):
    import torch, gc; torch.set_num_threads(THREADS)
    from sadvae.data import read_h5ad
    from sadvae.train import model_input, fit, backed_cells
    from sadvae.model import VAE
    f = data_file(n); t0 = time.perf_counter()
    if backed: cells, _ = backed_cells(f, buffer=buffer); X = cells.X; matrix = (X.nnz * 8 + (n + 1) * 8) / 2**30  # what it would take in memory
    else:
        a = read_h5ad(f); cells, _ = model_input(a, 'processed'); del a; gc.collect()
        X = cells.X; matrix = (X.data.nbytes + X.indices.nbytes + X.indptr.nbytes) / 2**30
    load = time.perf_counter() - t0
    m = VAE.from_arch(ARCH, n_genes=cells.n_genes)
    start, top, stop = rss_gb(), [0.0], threading.Event()
    def watch():
        while not stop.is_set(): top[0] = max(top[0], rss_gb()); time.sleep(0.05)
    w = threading.Thread(target=watch, daemon=True); w.start()
    h = fit(m, cells, epochs=epochs, batch_size=BATCH, progress=False, seed=0)
    stop.set(); w.join()
    secs = float(h.seconds.iloc[1:].median() if len(h) > 1 else h.seconds.iloc[-1])
    print(json.dumps(dict(cells=n, mode='disk' if backed else 'memory', buffer=buffer if backed else None, epochs=epochs, sec_per_epoch=secs, cells_per_s=n/secs, matrix_gb=matrix, rss_at_fit_gb=start,
                          peak_fit_gb=top[0], peak_fit_minus_matrix_gb=top[0] - matrix, peak_process_gb=peak_gb(), load_s=load,
                          train_loss=float(h.train_loss.iloc[-1]), epoch_seconds=h.seconds.round(2).tolist())))

def plot(df, out):
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 2, figsize=(9, 3.6))
    ax[0].loglog(df.cells, df.sec_per_epoch, 'o-', label='seconds per epoch'); ax[0].loglog(df.cells, df.sec_per_epoch.iloc[0] * df.cells / df.cells.iloc[0], 'k:', label='linear in cells')
    ax[0].set(xlabel='cells', ylabel='seconds per epoch', title='Time per epoch'); ax[0].legend(frameon=False)
    ax[1].loglog(df.cells, df.peak_fit_gb, 'o-', label='peak during fit'); ax[1].loglog(df.cells, df.matrix_gb, 's--', label='sparse matrix')
    ax[1].set(xlabel='cells', ylabel='GiB', title='Memory'); ax[1].legend(frameon=False)
    fig.suptitle(f'fit of [256]/32 on processed counts, 5,000 genes, batch {BATCH}, {THREADS} threads'); fig.tight_layout()
    fig.savefig(out, dpi=110)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--one', type=int); p.add_argument('--sizes', type=int, nargs='+', default=list(SIZES))
    p.add_argument('--epochs', type=int, default=3); p.add_argument('--out', default='results/bench/scaling.csv')
    p.add_argument('--backed', action='store_true'); p.add_argument('--buffer', type=int, default=65_536)
    a = p.parse_args()
    if a.one: return one(a.one, a.epochs, a.backed, a.buffer)
    import pandas as pd
    from sadvae.data import atomic_path
    rows, disk = [], []
    def measure(n, *extra):
        r = subprocess.run([sys.executable, __file__, '--one', str(n), '--epochs', str(a.epochs), *extra], capture_output=True, text=True,
                           env=os.environ | dict(OMP_NUM_THREADS=str(THREADS)))
        if r.returncode: print(f'{n} {extra} failed:\n{r.stderr[-3000:]}', flush=True); return None
        out = json.loads(r.stdout.strip().splitlines()[-1]); print(json.dumps(out), flush=True); return out
    for n in a.sizes:
        t = time.perf_counter(); data_file(n); print(f'data for {n:,} cells ready ({time.perf_counter() - t:.0f} s)', flush=True)
        if (r := measure(n)) is not None: rows.append(r)
        if a.backed and (r := measure(n, '--backed', '--buffer', str(a.buffer))) is not None: disk.append(r)
    if disk:
        d = pd.DataFrame(disk).merge(pd.DataFrame(rows)[['cells', 'cells_per_s', 'peak_fit_gb', 'train_loss']], on='cells', suffixes=('', '_memory'))
        d['throughput_vs_memory'] = d.cells_per_s / d.cells_per_s_memory
        out = Path(a.out).with_name('scaling_backed.csv')
        with atomic_path(out) as tmp: d.to_csv(tmp, index=False)
        print(d[['cells', 'buffer', 'cells_per_s', 'cells_per_s_memory', 'throughput_vs_memory', 'matrix_gb', 'peak_fit_gb', 'peak_fit_gb_memory', 'train_loss', 'train_loss_memory']].round(3).to_string(index=False))
    if a.backed and a.sizes != list(SIZES): return   # a disk-only check leaves the scaling table alone
    df = pd.DataFrame(rows); Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(a.out) as tmp: df.to_csv(tmp, index=False)
    if len(df) > 1: plot(df, Path(a.out).with_suffix('.png'))
    df['vs_first'] = df.cells_per_s / df.cells_per_s.iloc[0]
    print(f'\n{a.epochs} epochs, batch {BATCH}, {THREADS} threads; wrote {a.out}\n')
    print(df[['cells', 'sec_per_epoch', 'cells_per_s', 'vs_first', 'matrix_gb', 'peak_fit_gb', 'peak_fit_minus_matrix_gb', 'peak_process_gb']].round(3).to_string(index=False))

if __name__ == '__main__': main()

"""Benchmark: sadvae against scvi-tools side by side, same data, same architecture, same machine, one run.

  .venv/bin/pip install torch==2.13.0 -e ".[dev,eval]"      # scvi-tools comes with the eval extra
  .venv/bin/python bench/compare_scvi.py                    # full default data, 2 repetitions, 10 epochs each (about 30 min)
  .venv/bin/python bench/compare_scvi.py --scale small --epochs 3 --reps 1   # a quick check of the script
  .venv/bin/python bench/compare_scvi.py --one scvi         # one measurement, printed as JSON

The default full-size data (72,208 training x 5,000 genes; the 18,052 course test cells for validation), one hidden
layer of 256, latent 32, negative-binomial likelihood on raw counts, minibatches of 128, 2 threads, the same number of
epochs. Every measurement runs in its own process (so its peak memory is its own), and the kinds alternate within a
repetition, so slow drift of a shared machine hits them alike:

  floor     the epoch's dense matrix products alone on random tensors ([256]/32 shapes; from bench/train_speed.py)
  sadvae    `sadvae.train.fit` of the NB model on raw counts (its default sparse storage and first layer)
  scvi      `scvi.model.SCVI(n_hidden=256, n_latent=32, n_layers=1, gene_likelihood='nb')`, trained on all training
            cells (train_size=1, no validation pass inside the loop) with its KL warm-up off, so both optimise the ELBO
  sadvae_mse  [256]/32 with squared error on standardised counts / size factors (the write-up's model), against the floor

Seconds per epoch are the median after the first epoch. The validation NB negative log-likelihood per cell is each
tool's own reconstruction term on the validation cells after training: one posterior draw of z, the observed library
size, log p(x | z) summed over genes, averaged over cells (`evaluate(...)['recon']` and SCVI's
`get_reconstruction_error`). Results go to results/bench/compare_scvi.csv and a summary is printed.
"""
import argparse, json, os, resource, subprocess, sys, time
from pathlib import Path
import numpy as np

BATCH, THREADS, ARCH = 128, 2, '256-32'
sys.path.insert(0, str(Path(__file__).parent))

def peak_gb(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20

def data(scale):
    from sadvae.data import default_data, load_course
    return load_course(default_data(scale))

def run_floor(scale, epochs):
    from train_speed import floor
    tr, _ = data(scale)
    return dict(sec_per_epoch=floor(ARCH, tr.n_obs, tr.n_vars, epochs), cells=tr.n_obs)

def run_sadvae(scale, epochs, dataset='counts', likelihood='nb'):
    from sadvae.train import model_input, fit, evaluate
    from sadvae.model import VAE
    tr, te = data(scale)
    cells, fitted = model_input(tr, dataset, likelihood=likelihood); va, _ = model_input(te, dataset, likelihood=likelihood, fitted=fitted)
    m = VAE.from_arch(ARCH, n_genes=cells.n_genes, likelihood=likelihood)
    h = fit(m, cells, epochs=epochs, batch_size=BATCH, progress=False, seed=0)
    return dict(sec_per_epoch=float(h.seconds.iloc[1:].median()), epoch_seconds=h.seconds.round(2).tolist(), cells=len(cells),
                valid_nll=evaluate(m, va)['recon'] if likelihood == 'nb' else None)

def run_scvi(scale, epochs):
    import scvi, torch
    from lightning.pytorch.callbacks import Callback
    class Clock(Callback):
        def __init__(self): self.times = []
        def on_train_epoch_start(self, *a): self.t = time.perf_counter()
        def on_train_epoch_end(self, *a): self.times.append(time.perf_counter() - self.t)
    scvi.settings.seed = 0; torch.set_num_threads(THREADS)
    tr, te = data(scale)
    scvi.model.SCVI.setup_anndata(tr, layer='counts')
    m = scvi.model.SCVI(tr, n_hidden=256, n_latent=32, n_layers=1, gene_likelihood='nb')
    clock = Clock()
    m.train(max_epochs=epochs, batch_size=BATCH, train_size=1.0, accelerator='cpu', enable_progress_bar=False,
            plan_kwargs=dict(n_epochs_kl_warmup=None), callbacks=[clock], logger=False, enable_checkpointing=False)
    scvi.model.SCVI.setup_anndata(te, layer='counts')
    nll = m.get_reconstruction_error(te, batch_size=2048)['reconstruction_loss']
    return dict(sec_per_epoch=float(np.median(clock.times[1:])), epoch_seconds=np.round(clock.times, 2).tolist(), cells=tr.n_obs,
                valid_nll=float(nll), version=scvi.__version__)

KINDS = dict(floor=run_floor, sadvae=run_sadvae, scvi=run_scvi, sadvae_mse=lambda s, e: run_sadvae(s, e, 'processed', 'mse'))

def one(kind, scale, epochs):
    import torch; torch.set_num_threads(THREADS)
    t0 = time.perf_counter(); r = KINDS[kind](scale, epochs)
    print(json.dumps(dict(kind=kind, scale=scale, epochs=epochs, **r, cells_per_s=r['cells']/r['sec_per_epoch'],
                          peak_gb=peak_gb(), wall=time.perf_counter() - t0, torch=torch.__version__)))

def summary(df):
    import pandas as pd
    g = df.groupby('kind').agg(sec_per_epoch=('sec_per_epoch', 'median'), runs=('sec_per_epoch', lambda s: ' / '.join(f'{v:.2f}' for v in s)),
                               peak_gb=('peak_gb', 'max'), valid_nll=('valid_nll', 'median'))
    fl = g.loc['floor', 'sec_per_epoch'] if 'floor' in g.index else np.nan
    g['x_floor'] = g.sec_per_epoch / fl
    if {'sadvae', 'scvi'} <= set(g.index): g['scvi_over_this'] = g.loc['scvi', 'sec_per_epoch'] / g.sec_per_epoch
    return g

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--one', choices=list(KINDS)); p.add_argument('--scale', default='full', choices=['full', 'small'])
    p.add_argument('--epochs', type=int, default=10); p.add_argument('--reps', type=int, default=2)
    p.add_argument('--kinds', nargs='+', default=list(KINDS)); p.add_argument('--out', default='results/bench/compare_scvi.csv')
    a = p.parse_args()
    if a.one: return one(a.one, a.scale, a.epochs)
    import pandas as pd
    from sadvae.data import default_data, atomic_path
    default_data(a.scale, verbose=True)
    rows = []
    for rep in range(a.reps):
        for kind in a.kinds:
            r = subprocess.run([sys.executable, __file__, '--one', kind, '--scale', a.scale, '--epochs', str(a.epochs)],
                               capture_output=True, text=True, env=os.environ | dict(OMP_NUM_THREADS=str(THREADS)))
            if r.returncode: print(f'{kind} failed:\n{r.stderr[-3000:]}', flush=True); continue
            rows.append(json.loads(r.stdout.strip().splitlines()[-1]) | dict(rep=rep)); print(json.dumps(rows[-1]), flush=True)
    df = pd.DataFrame(rows)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(a.out) as tmp: df.to_csv(tmp, index=False)
    print(f'\n{a.scale} data, {a.epochs} epochs, batch {BATCH}, {THREADS} threads, {os.cpu_count()} CPUs; wrote {a.out}\n')
    print(summary(df).round(3).to_string())

if __name__ == '__main__': main()

"""Benchmark: seconds per epoch, cells per second and peak memory of `fit`, against a reference loop and the
compute floor, on the default full-size data (72,208 x 5,000), 2 CPU threads, batch 128.

  .venv/bin/python bench/train_speed.py                      # everything (about 20-30 minutes on 2 cores)
  .venv/bin/python bench/train_speed.py --models 256-32 --datasets processed --epochs 2
  .venv/bin/python bench/train_speed.py --one fit 256-32 pearson   # one measurement, printed as JSON

Every measurement runs in a fresh process, so its peak resident memory is its own.
  fit   : `sadvae.train.fit` on `model_input(...)` (sparse storage, per-minibatch transform, and the sparse first
          layer where the input folds into it: processed, counts, nb); median epoch after the first
  dense : the same with `sparse=False` (every first layer a dense matrix product)
  ref   : the usual way of writing the write-up's loop: the whole dataset densified and standardised up front, a
          `TensorDataset` + `DataLoader(shuffle=True)`, plain Adam
  dataset 'nb': raw counts with the negative-binomial likelihood, to set beside scvi-tools' SCVI (fit only)
  floor : the epoch's dense matrix products alone on random tensors of the same shapes: forward, weight gradients,
          and hidden-input gradients (none for the data itself)
"""
import argparse, json, os, resource, subprocess, sys, time
import numpy as np

BATCH, THREADS = 128, 2

def peak_gb(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20

def layer_shapes(arch, n_genes):
    "(in, out) of every Linear layer of the VAE, encoder heads counted as one layer of 2 x latent outputs."
    from sadvae.model import parse_arch
    a = parse_arch(arch); h, z = a['hidden'], a['latent']
    enc = list(zip([n_genes] + h[:-1], h)) + [(h[-1], 2*z)]
    dec = list(zip([z] + h[::-1][:-1], h[::-1])) + [(h[0], n_genes)]
    return enc + dec

def floor(arch, n_cells, n_genes, epochs):
    import torch
    shapes = layer_shapes(arch, n_genes)
    W = [torch.randn(o, i) for i, o in shapes]; X = [torch.randn(BATCH, i) for i, _ in shapes]; D = [torch.randn(BATCH, o) for _, o in shapes]
    steps = n_cells // BATCH
    def epoch():
        for _ in range(steps):
            for k, (w, x, d) in enumerate(zip(W, X, D)):
                x @ w.T; d.T @ x             # forward, weight gradient
                if k > 0: d @ w              # gradient to the layer's input (none for the data)
    epoch()  # warm-up
    t = time.perf_counter()
    for _ in range(epochs): epoch()
    return (time.perf_counter() - t) / epochs

def load(dataset):
    from sadvae.data import default_data, load_course
    tr, _ = load_course(default_data('full'))
    return tr

def fit_run(arch, dataset, epochs, sparse=None):
    import torch
    from sadvae.train import model_input, fit
    from sadvae.model import VAE
    tr = load(dataset)
    lik = 'nb' if dataset == 'nb' else 'mse'   # 'nb': raw counts with the negative-binomial likelihood (scvi-tools' default)
    cells, _ = model_input(tr, 'counts' if lik == 'nb' else dataset, likelihood=lik); del tr
    m = VAE.from_arch(arch, n_genes=cells.n_genes, likelihood=lik)
    h = fit(m, cells, epochs=epochs, batch_size=BATCH, progress=False, sparse=sparse)
    return float(h.seconds.iloc[1:].median() if len(h) > 1 else h.seconds.iloc[-1]), len(cells)  # steady state: median after the first epoch

def ref_run(arch, dataset, epochs):
    import torch, scanpy as sc, scipy.sparse as sp
    from torch.utils.data import TensorDataset, DataLoader
    from sadvae.model import VAE
    tr = load(dataset)
    if dataset == 'processed': X = tr.X.toarray()
    elif dataset == 'counts': X = tr.layers['counts'].toarray()
    else: X = sc.experimental.pp.normalize_pearson_residuals(tr, layer='counts', theta=100, inplace=False)['X']
    n = X.shape[0]; del tr
    X = torch.from_numpy(np.asarray(X, np.float32)); X = (X - X.mean(0)) / X.std(0).clamp_min(1e-8)
    dl = DataLoader(TensorDataset(X), batch_size=BATCH, shuffle=True, drop_last=True)
    m = VAE.from_arch(arch, n_genes=X.shape[1]); m.check_inputs = False
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    for e in range(epochs):
        t = time.perf_counter()
        for (x,) in dl:
            loss = m.loss(x).loss.mean(); opt.zero_grad(); loss.backward(); opt.step()
        secs = time.perf_counter() - t
    return secs, n

def one(kind, arch, dataset, epochs):
    import torch; torch.set_num_threads(THREADS)
    t0 = time.perf_counter()
    if kind == 'floor': secs, n = floor(arch, 72_208, 5_000, epochs), 72_208
    elif kind == 'fit': secs, n = fit_run(arch, dataset, epochs)
    elif kind == 'dense': secs, n = fit_run(arch, dataset, epochs, sparse=False)
    else: secs, n = ref_run(arch, dataset, epochs)
    print(json.dumps(dict(kind=kind, arch=arch, dataset=dataset, sec_per_epoch=secs, cells_per_s=n/secs,
                          peak_gb=peak_gb(), wall=time.perf_counter()-t0)))

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--one', nargs=3, metavar=('KIND', 'ARCH', 'DATASET'))
    p.add_argument('--models', nargs='+', default=['256-32', '1024-512-256-32'])
    p.add_argument('--datasets', nargs='+', default=['processed', 'counts', 'pearson', 'nb'])
    p.add_argument('--kinds', nargs='+', default=['floor', 'fit', 'dense', 'ref'])
    p.add_argument('--epochs', type=int, default=2, help='epochs per measurement (fit, dense: median of all but the first; ref: the last; floor: the mean after one warm-up)')
    a = p.parse_args()
    if a.one: return one(*a.one, a.epochs)
    from sadvae.data import default_data
    default_data('full', verbose=True)
    rows = []
    for arch in a.models:
        for kind in a.kinds:
            for ds in (['-'] if kind == 'floor' else [d for d in a.datasets if kind in ('fit', 'dense') or d != 'nb']):
                r = subprocess.run([sys.executable, __file__, '--one', kind, arch, ds, '--epochs', str(a.epochs)],
                                   capture_output=True, text=True, env=os.environ | dict(OMP_NUM_THREADS=str(THREADS)))
                if r.returncode: print(r.stderr[-3000:]); continue
                rows.append(json.loads(r.stdout.strip().splitlines()[-1])); print(json.dumps(rows[-1]), flush=True)
    import pandas as pd
    df = pd.DataFrame(rows)
    fl = df[df.kind == 'floor'].set_index('arch').sec_per_epoch
    df['x_floor'] = df.sec_per_epoch / df.arch.map(fl)
    print('\n' + df[['arch', 'dataset', 'kind', 'sec_per_epoch', 'cells_per_s', 'x_floor', 'peak_gb']].round(2).to_string(index=False))

if __name__ == '__main__': main()

"""Benchmark: Adam's parameter groups, A/B in one process.

  .venv/bin/python bench/optimizer_ab.py                  # full default data, [256]/32 NB on counts, 3 rounds of 2 epochs each
  .venv/bin/python bench/optimizer_ab.py --scale small --rounds 1 --epochs 2   # a quick check of the script

The encoder's first weight is stored gene-major (for the sparse first layer). Fused Adam copies a strided tensor to
contiguous memory and back on every step; `sadvae.train._param_groups` therefore gives that weight its own unfused
group. This script trains the same model from the same seed with the two settings, alternating within one process
(process-to-process noise on this machine is about 20%, larger than the effect):

  grouped   the package's optimiser (the strided weight unfused, the rest fused)
  single    one fused group for all parameters (the optimiser before the change)

It prints the median seconds per epoch after the first epoch of each fit, the final training loss of each, and writes
results/bench/optimizer_ab.csv. Run it on a quiet machine.
"""
import argparse, time
from pathlib import Path
import numpy as np, pandas as pd, torch
import sadvae.train as T
from sadvae.data import default_data, load_course
from sadvae.model import VAE

GROUPED = T._param_groups
def single(model, fused): return [dict(params=list(model.parameters()))]

def one(kind, cells, epochs):
    T._param_groups = GROUPED if kind == 'grouped' else single
    m = VAE.from_arch('256-32', n_genes=cells.n_genes, likelihood='nb')
    h = T.fit(m, cells, epochs=epochs, batch_size=128, progress=False, seed=0)
    T._param_groups = GROUPED
    return dict(kind=kind, sec_per_epoch=float(h.seconds.iloc[1:].median()), train_loss=float(h.train_loss.iloc[-1]))

def main(scale='full', rounds=3, epochs=2, out='results/bench/optimizer_ab.csv'):
    torch.set_num_threads(2)
    tr, _ = load_course(default_data(scale)); cells, _ = T.model_input(tr, 'counts', likelihood='nb')
    rows = []
    for r in range(rounds):
        for kind in (('grouped', 'single') if r % 2 == 0 else ('single', 'grouped')):
            rows.append(dict(round=r, **one(kind, cells, epochs))); print(rows[-1], flush=True)
    df = pd.DataFrame(rows); s = df.groupby('kind').sec_per_epoch.median()
    print(f"median s/epoch: grouped {s['grouped']:.2f}, single {s['single']:.2f}; single/grouped = {s['single']/s['grouped']:.3f}")
    if scale == 'full': Path(out).parent.mkdir(parents=True, exist_ok=True); df.to_csv(out, index=False)
    return df

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--scale', default='full'); p.add_argument('--rounds', type=int, default=3); p.add_argument('--epochs', type=int, default=2)
    a = p.parse_args(); main(a.scale, a.rounds, a.epochs)

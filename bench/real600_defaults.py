"""Latent spaces of the SadVAE defaults on the real 600-cell file, for every input and likelihood, against PCA.

Scores (3-seed means): 15-NN cell-type accuracy on donor s1d2 from donor s1d1, and the best Leiden ARI against
cell type (the results chapter's measures). PCA uses log-normalised, standardised counts with as many components as
the latent space. Writes results/bench/real600_defaults.csv and prints the table.

    python bench/real600_defaults.py [--arch 128-10] [--seeds 3]
"""
import argparse, time
from pathlib import Path
import numpy as np, pandas as pd, anndata as ad, torch
from sadvae.api import SadVAE, setup_anndata, pca_latent
from sadvae.data import real_600, atomic_path
from sadvae.evaluate import knn_accuracy, leiden_scores

COMBOS = [('counts', 'nb'), ('counts', 'zinb'), ('counts', 'poisson'), ('counts', 'mse'), ('processed', 'mse'), ('pearson', 'mse'),
          ('counts', 'gaussian'), ('processed', 'gaussian'), ('pearson', 'gaussian')]

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--arch', default='128-10'); p.add_argument('--seeds', type=int, default=3)
    p.add_argument('--out', default='results/bench/real600_defaults.csv'); a = p.parse_args()
    path = real_600(Path(__file__).resolve().parents[1]/'../shared/data/bmmc_cite_gex_600.h5ad')
    if path is None: raise SystemExit("the real 600-cell file is not here (../shared/data/bmmc_cite_gex_600.h5ad)")
    torch.set_num_threads(2)
    real = ad.read_h5ad(path); setup_anndata(real, layer='counts')
    labels, other = real.obs.cell_type.astype(str).to_numpy(), (real.obs.batch == 's1d2').to_numpy()
    score = lambda z: dict(knn_accuracy=knn_accuracy(z, labels, other), leiden_ari=leiden_scores(z, labels)['ari'])
    dims = int(a.arch.split('-')[-1]); rows = [dict(model=f'PCA, {dims} components', **score(pca_latent(real, dims, 'counts')))]
    print(pd.DataFrame(rows).round(3).to_string(index=False), flush=True)
    for inp, lik in COMBOS:
        res = []
        for s in range(a.seeds):
            t = time.perf_counter(); m = SadVAE(real, arch=a.arch, input=inp, likelihood=lik, seed=s).train(seed=s, progress=False)
            res.append(dict(epochs=len(m.history), seconds=time.perf_counter() - t, **score(m.get_latent_representation(key=None))))
        r = pd.DataFrame(res); rows.append(dict(model=f'SadVAE {a.arch} {inp} {lik}', **r.mean().to_dict(), knn_sd=r.knn_accuracy.std(), ari_sd=r.leiden_ari.std()))
        print(pd.DataFrame(rows[-1:]).round(3).to_string(index=False, header=False), flush=True)
    tab = pd.DataFrame(rows); out = Path(a.out)
    with atomic_path(out) as tmp: tab.to_csv(tmp, index=False, float_format='%.4f')
    print(tab.round(3).to_string(index=False)); print(f"wrote {out}")

if __name__ == '__main__': main()

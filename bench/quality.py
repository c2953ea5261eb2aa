"""Latent-space quality of sadvae's defaults against scvi-tools' defaults and PCA, one protocol for every method.

Methods (3 seeds each): `SadVAE` with its defaults, without and with `batch_key`; scvi-tools' `SCVI` with its own
defaults (its own epoch rule), without and with `batch_key`; PCA of log-normalised counts with as many components
as sadvae's latent space. Data: the real 600-cell file (`--data real`: kNN transfer from batch s1d1 to s1d2) and
the default simulated data subsampled to whole donors (`--data sim`: 20,000 training cells of donors 1-7, labels
transferred to donors 8 and 9). Metrics: 15-NN cell-type accuracy on the other batch or the held-out donors, best
Leiden ARI and NMI over resolutions 0.25-2 (the results chapter's measures), and scib-metrics' iLISI, cLISI,
silhouettes and graph connectivity where it is installed (the `eval` extra), with the number of cells predicted.
The cells per cell type of each data set, with the group and lineage of each course type (blank for other names),
go to results/bench/quality_types.csv: the ceilings of ARI follow from them. Writes one row per method and seed to
results/bench/quality.csv after every run (rows already there are kept and not run again; the file is read again before
each write, so runs of other data or methods in other processes keep their rows). A run itself resumes: sadvae and scVI
checkpoint after every epoch into ~/.cache/sadvae/quality/ (or $SADVAE_QUALITY_CKPT), a killed run continues from its
last epoch when started again, and its row gives the epoch it resumed from (`resumed_from`, 0 for a run in one piece)
and the seconds of all its pieces. A resumed scVI run draws its minibatches anew from there, so it is an equal run, not
the identical one.

    python bench/quality.py [--data real sim] [--seeds 3] [--methods ...]
    python bench/quality.py --types  # only the cells per cell type (results/bench/quality_types.csv), written by every run too
"""
import argparse, inspect, logging, os, shutil, time, warnings
from pathlib import Path
import numpy as np, pandas as pd, anndata as ad, torch
from sadvae.api import SadVAE, setup_anndata, pca_latent
from sadvae.data import atomic_path, read_h5ad, default_data, load_course
from sadvae.train import load_checkpoint
from sadvae.evaluate import knn_accuracy, leiden_scores, scib_scores

ROOT = Path(__file__).resolve().parents[1]
METHODS = ('sadvae', 'sadvae_batch', 'scvi', 'scvi_batch', 'pca')
RUN_ORDER = ('pca', 'sadvae', 'sadvae_batch', 'scvi', 'scvi_batch')  # every method's first seed before any second seed
THREADS = torch.get_num_threads()  # as the process started (OMP_NUM_THREADS): restored before every training

def real_data():
    "The real 600-cell file: raw counts in X, the cells to predict are batch s1d2's."
    p = Path(os.environ.get('SADVAE_REAL_600', ROOT.parent/'shared'/'data'/'bmmc_cite_gex_600.h5ad'))
    if not p.exists(): raise SystemExit(f"the real 600-cell file is not at {p} (set SADVAE_REAL_600)")
    a = read_h5ad(p); a = ad.AnnData(a.layers['counts'].tocsr().astype(np.float32), obs=a.obs[['cell_type', 'batch']].copy(), var=a.var[[]])
    a.obs['batch'] = a.obs['batch'].astype(str); return a, (a.obs['batch'] == 's1d2').to_numpy()

def sim_data(n_cells:int=20_000, heldout=('donor8', 'donor9'), seed:int=0):
    "The default simulated data, subsampled: donors 8 and 9 whole and held out, the other donors' cells drawn at random."
    tr, _ = load_course(default_data('full'))
    held = tr.obs['DonorNumber'].astype(str).isin(heldout).to_numpy(); rng = np.random.default_rng(seed)
    keep = np.sort(np.r_[np.flatnonzero(held), rng.choice(np.flatnonzero(~held), n_cells, replace=False)])
    a = ad.AnnData(tr.layers['counts'][keep], obs=tr.obs.iloc[keep][['cell_type', 'batch']].copy(), var=tr.var[[]])
    a.obs['batch'] = a.obs['batch'].astype(str); a.obs['cell_type'] = a.obs['cell_type'].astype(str); return a, held[keep]

CKPT = Path(os.environ.get('SADVAE_QUALITY_CKPT', Path.home()/'.cache'/'sadvae'/'quality'))  # one folder per unfinished run

def _elapsed(ckpt:Path)->float:
    "Training seconds that earlier, interrupted segments of this run spent (0 for a fresh run)."
    f = ckpt/'seconds.txt'; return float(f.read_text()) if f.exists() else 0.0

def _scvi_resume(ckpt:Path, t0:float):
    "A Lightning callback that checkpoints scVI after every epoch (atomically), with the run's seconds so far."
    from lightning.pytorch import Callback
    before = _elapsed(ckpt)
    class Resume(Callback):
        def on_train_epoch_end(self, trainer, module):
            with atomic_path(ckpt/'last.ckpt') as tmp: trainer.save_checkpoint(tmp)
            with atomic_path(ckpt/'seconds.txt') as tmp: tmp.write_text(f"{before + time.perf_counter() - t0:.1f}")
    return Resume()

def latent(method:str, a:ad.AnnData, seed:int, dims:int, scvi_options:dict|None=None, ckpt:Path|None=None):
    "The latent representation of `a` by one method, its training epochs, and the epoch it resumed from (`ckpt`: checkpoint folder)."
    a = a.copy(); torch.set_num_threads(THREADS)
    if method.startswith('sadvae'):
        setup_anndata(a, batch_key='batch' if method.endswith('batch') else None)
        start = len(load_checkpoint(ckpt/'checkpoint.pt')['history']) if ckpt is not None and (ckpt/'checkpoint.pt').exists() else 0
        m = SadVAE(a, seed=seed).train(seed=seed, progress=False, out=ckpt)  # `out`: sadvae's own resumable checkpoint
        return m.get_latent_representation(key=None), len(m.history), start
    if method.startswith('scvi'):
        import scvi
        scvi.settings.seed = seed; scvi.settings.verbosity = logging.ERROR
        logging.getLogger('lightning').setLevel(logging.ERROR); logging.getLogger('lightning.pytorch').setLevel(logging.ERROR)
        scvi.model.SCVI.setup_anndata(a, batch_key='batch' if method.endswith('batch') else None)
        m = scvi.model.SCVI(a, **(scvi_options or {}))
        last = ckpt/'last.ckpt' if ckpt is not None else None
        try: start = torch.load(last, map_location='cpu', weights_only=False)['epoch'] + 1 if last is not None and last.exists() else 0
        except Exception as e: raise SystemExit(f"{last}: not a readable scVI checkpoint ({type(e).__name__}: {e}); delete {ckpt} to run it afresh")
        extra = dict(callbacks=[_scvi_resume(ckpt, time.perf_counter())], ckpt_path=str(last) if start else None) if ckpt is not None else {}
        m.train(enable_progress_bar=False, accelerator='cpu', **extra)
        return m.get_latent_representation(), m.trainer.current_epoch, start
    return pca_latent(a, dims, seed=seed), 0, 0

def write_types(name:str, a, out:Path):
    "Cells per cell type of one data set, with the simulator's group and lineage of each type, into `out` (rows of other data kept)."
    from sadvae.data import CELL_TYPES
    t = a.obs['cell_type'].value_counts().rename_axis('cell_type').reset_index(name='cells')
    t = t.join(CELL_TYPES[['group', 'lineage']], on='cell_type').assign(data=name)[['data', 'cell_type', 'group', 'lineage', 'cells']]
    old = pd.read_csv(out) if out.exists() else t.iloc[:0]
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(out) as tmp: pd.concat([old[old.data != name], t], ignore_index=True).to_csv(tmp, index=False)

def scores(z, a, heldout) -> dict:
    labels = a.obs['cell_type'].astype(str).to_numpy()
    ls = leiden_scores(z, labels)
    return dict(knn_accuracy=knn_accuracy(z, labels, heldout), ari=ls['ari'], nmi=ls['nmi'],
                **scib_scores(z, labels, a.obs['batch'].to_numpy()))

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data', nargs='+', default=['real', 'sim'], choices=['real', 'sim'])
    p.add_argument('--methods', nargs='+', default=list(METHODS), choices=METHODS)
    p.add_argument('--types', action='store_true', help='only write the cells per cell type of each data set (quality_types.csv) and stop')
    p.add_argument('--seeds', type=int, default=3); p.add_argument('--redo', action='store_true', help='train runs already in the CSV again'); p.add_argument('--out', default=str(ROOT/'results'/'bench'/'quality.csv'))
    a_ = p.parse_args(); warnings.filterwarnings('ignore'); out = Path(a_.out)
    old = pd.read_csv(out) if out.exists() else pd.DataFrame(columns=['data', 'method', 'seed'])
    done = set(map(tuple, old[['data', 'method', 'seed']].astype(str).to_numpy())) if not a_.redo else set()
    tab = old.copy(); types = out.with_name('quality_types.csv')  # the cells each run scores, per cell type: ARI's ceilings follow from them
    for name in a_.data:
        if a_.types: write_types(name, (real_data() if name == 'real' else sim_data())[0], types); print(f"{name}: wrote {types}"); continue
        todo = [(m, s) for s in range(a_.seeds) for m in sorted(a_.methods, key=RUN_ORDER.index) if (name, m, str(s)) not in done]  # seed by seed, cheapest first
        if not todo: print(f"{name}: every method and seed is in {out}; --redo trains them again"); continue
        a, heldout = real_data() if name == 'real' else sim_data(); write_types(name, a, types)
        dims = int(inspect.signature(SadVAE).parameters['arch'].default.split('-')[-1])  # sadvae's default latent size
        print(f"{name}: {a.n_obs:,} cells x {a.n_vars:,} genes, {heldout.sum():,} cells to predict; {len(todo)} runs to do", flush=True)
        for method, s in todo:
            ckpt = CKPT/f"{name}-{method}-seed{s}"; before = _elapsed(ckpt) if method.startswith('scvi') else 0.0
            t = time.perf_counter(); z, epochs, start = latent(method, a, s, dims, ckpt=ckpt)
            if method.startswith('sadvae') and start: before = float(pd.read_csv(ckpt/'history.csv').seconds.iloc[:start].sum())  # its earlier segments' epochs
            row = dict(data=name, method=method, seed=s, epochs=epochs, seconds=round(before + time.perf_counter() - t, 1), resumed_from=start,
                       n_predicted=int(heldout.sum()), **scores(z, a, heldout))
            print(pd.DataFrame([row]).round(3).to_string(index=False), flush=True)
            tab = pd.read_csv(out) if out.exists() else tab.iloc[:0]  # as it is now: another run may have written rows meanwhile
            key = tab[['data', 'method', 'seed']].astype(str).apply(tuple, axis=1) if len(tab) else pd.Series([], dtype=object)
            tab = pd.concat([tab[~key.isin([(name, method, str(s))])], pd.DataFrame([row])], ignore_index=True)
            out.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(out) as tmp: tab.to_csv(tmp, index=False, float_format='%.4f')  # after every run: an interrupted run resumes
            shutil.rmtree(ckpt, ignore_errors=True)  # the row is written: its checkpoint is no longer needed
    if not a_.types: print(tab.groupby(['data', 'method'])[['knn_accuracy', 'ari', 'nmi', 'ilisi']].mean().round(3).to_string()); print(f"wrote {out}")

if __name__ == '__main__': main()

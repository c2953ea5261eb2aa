"""Why sadvae's defaults lost where they did: one factor changed at a time from the previous defaults, 3 seeds each.

The data and measures are `quality.py`'s (the real 600-cell file, labels transferred from batch s1d1 to s1d2; or
the simulated protocol with donors held out): 15-NN cell-type accuracy on the other cells, best Leiden ARI and
NMI over the results chapter's resolutions, and scib-metrics' iLISI where installed. Each variant is a change
of `SadVAE(...)` or of `train(...)` arguments from the defaults of sadvae 0.1.0 before this ablation
(`previous_default`: the KL weight 1 from the first epoch, no dropout; with `batch_key` the batch went to the encoder and
the decoder, `batch_encoder`, against `batch`, the decoder only; a constant learning rate). The first round's winner, KL warm-up
over every epoch, became the default; the second round changes one more thing from there (no early stopping, patience
45, a learning rate halved on plateaus or following a cosine) and its winner, the cosine, is the default now. A last pair of rows
trains those defaults without early stopping, which can end a run while the KL weight still rises. Observed
against modelled library size is measured on scvi-tools' `SCVI`, the model that has both (`scvi_*_library`). Rows are written as they finish to results/bench/ablation.csv, and `--resume` skips done rows.

    python bench/ablation.py [--data real] [--seeds 3] [--variants ...] [--resume]
    python bench/ablation.py --data sim --variants warmup_full_lr_cosine_no_early_stop --resume  # chapter 07 sets it beside quality.py's runs
"""
import argparse, sys, time, warnings
from pathlib import Path
import pandas as pd, torch
sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import real_data, sim_data, scores, latent, ROOT
from sadvae.api import SadVAE, setup_anndata
from sadvae.data import atomic_path

THREADS = torch.get_num_threads()  # as the process started (OMP_NUM_THREADS): restored before every training
FULL = None  # kl_warmup over every epoch of the run: `SadVAE.train`'s default now (scVI anneals the KL weight over its 400 epochs)
# name: (batch_key given, SadVAE options, train options)
VARIANTS = {
    'previous_default':    (False, {}, {}),
    'warmup_full':         (False, {}, dict(kl_warmup=FULL)),
    'warmup_100':          (False, {}, dict(kl_warmup=100)),
    'dropout_0.1':         (False, dict(dropout=0.1), {}),
    'latent_20':           (False, dict(arch='128-20'), {}),
    'patience_45':         (False, {}, dict(patience=45)),
    'no_early_stop':       (False, {}, dict(early_stopping=False)),
    'warmup_full_dropout_0.1': (False, dict(dropout=0.1), dict(kl_warmup=FULL)),
    'batch':               (True, {}, {}),                               # batch in the decoder only (the default now)
    'batch_encoder':       (True, dict(encode_batch=True), {}),          # batch in the encoder and the decoder
    'batch_warmup_full':   (True, {}, dict(kl_warmup=FULL)),
    'batch_warmup_full_dropout_0.1': (True, dict(dropout=0.1), dict(kl_warmup=FULL)),
    # from the current defaults (warm-up over every epoch): the early-stopping signal and the learning-rate schedule
    'warmup_full_no_early_stop':  (False, {}, dict(kl_warmup=FULL, early_stopping=False)),  # scVI's default: every epoch, no held-out signal
    'warmup_full_patience_45':    (False, {}, dict(kl_warmup=FULL, patience=45)),          # scVI's patience when its early stopping is on
    'warmup_full_lr_plateau':     (False, {}, dict(kl_warmup=FULL, lr_schedule='plateau')),
    'warmup_full_lr_cosine':      (False, {}, dict(kl_warmup=FULL, lr_schedule='cosine')),           # the default now
    'batch_warmup_full_no_early_stop': (True, {}, dict(kl_warmup=FULL, early_stopping=False)),
    'batch_warmup_full_lr_cosine': (True, {}, dict(kl_warmup=FULL, lr_schedule='cosine')),           # the default with batch_key now
    # from the current defaults: early stopping can end a run while the KL weight is still rising; without it every run
    # ends at KL weight 1 and a learning rate of 0 (scVI's default, which trains every epoch)
    'warmup_full_lr_cosine_no_early_stop':       (False, {}, dict(kl_warmup=FULL, lr_schedule='cosine', early_stopping=False)),
    'batch_warmup_full_lr_cosine_no_early_stop': (True, {}, dict(kl_warmup=FULL, lr_schedule='cosine', early_stopping=False)),
}
# observed against modelled library size, measured where both exist: scvi-tools' SCVI (sadvae's NB model, like SCVI's
# default, scales its decoder by each cell's observed total count)
SCVI_VARIANTS = {'scvi_observed_library': dict(use_observed_lib_size=True), 'scvi_modelled_library': dict(use_observed_lib_size=False)}

def run(a, heldout, variant:str, seed:int) -> dict:
    "Train one variant on a copy of `a` and score its latent space."
    if variant in SCVI_VARIANTS:
        t = time.perf_counter(); z, epochs, _ = latent('scvi', a, seed, 0, SCVI_VARIANTS[variant])
        return dict(variant=variant, seed=seed, epochs=epochs, seconds=round(time.perf_counter() - t, 1), **scores(z, a, heldout))
    with_batch, opts, topts = VARIANTS[variant]
    torch.set_num_threads(THREADS)
    a = a.copy(); setup_anndata(a, batch_key='batch' if with_batch else None)
    topts = dict(kl_warmup=0, lr_schedule=None) | topts  # the first defaults: no warm-up and a constant learning rate unless the variant names them
    t = time.perf_counter(); m = SadVAE(a, seed=seed, **opts).train(seed=seed, progress=False, **topts)
    z = m.get_latent_representation(key=None)
    return dict(variant=variant, seed=seed, epochs=len(m.history), seconds=round(time.perf_counter() - t, 1), **scores(z, a, heldout))

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data', default='real', choices=['real', 'sim']); p.add_argument('--seeds', type=int, default=3)
    p.add_argument('--variants', nargs='+', default=[*VARIANTS, *SCVI_VARIANTS], choices=[*VARIANTS, *SCVI_VARIANTS]); p.add_argument('--resume', action='store_true')
    p.add_argument('--out', default=str(ROOT/'results'/'bench'/'ablation.csv')); o = p.parse_args()
    warnings.filterwarnings('ignore'); out = Path(o.out)
    tab = pd.read_csv(out) if out.exists() else pd.DataFrame(columns=['data', 'variant', 'seed'])
    a, heldout = real_data() if o.data == 'real' else sim_data()
    for v in o.variants:
        for s in range(o.seeds):
            done = ((tab.data == o.data) & (tab.variant == v) & (tab.seed == s)).any()
            if done and o.resume: continue
            row = dict(data=o.data) | run(a, heldout, v, s)
            tab = pd.read_csv(out) if out.exists() else tab.iloc[:0]  # as it is now: another run may have written rows meanwhile
            tab = pd.concat([tab[~((tab.data == o.data) & (tab.variant == v) & (tab.seed == s))], pd.DataFrame([row])], ignore_index=True)
            with atomic_path(out) as tmp: tab.to_csv(tmp, index=False, float_format='%.4f')
            print(pd.DataFrame([row]).round(3).to_string(index=False, header=False), flush=True)
    cols = [c for c in ('knn_accuracy', 'ari', 'nmi', 'ilisi', 'epochs') if c in tab]
    print(tab[tab.data == o.data].groupby('variant', sort=False)[cols].agg(['mean', 'std']).round(3).to_string()); print(f"wrote {out}")

if __name__ == '__main__': main()

"""Benchmark: training on a shared machine. Seconds per epoch of `fit` on a quiet machine and beside busy processes,
for several OpenMP spin settings, so the default can be chosen to behave in both cases.

  .venv/bin/python bench/shared_machine.py                       # every setting, quiet and beside 2 busy processes
  .venv/bin/python bench/shared_machine.py --settings default GOMP_SPINCOUNT=10000 --busy 2

torch's CPU kernels run on OpenMP (libgomp in the Linux wheels). Its worker threads spin for a while after each
parallel region before they sleep; when other processes hold the cores, a spinning worker that has been descheduled
holds up every thread that waits for it. The spin count is read from the environment when libgomp loads (that is,
when torch is first imported), so each setting runs in its own process. Every measurement trains [256]/32 on the
processed counts of the first 20,000 cells of the default full-size data, minibatches of 128, 2 threads; the figure
is the median epoch after the first. "busy" starts that many `while True: pass` processes for the measurement.
Writes results/bench/shared_machine.csv.
"""
import argparse, json, os, subprocess, sys, time
from pathlib import Path

THREADS, CELLS = 2, 20_000
SETTINGS = ('default', 'GOMP_SPINCOUNT=1000', 'GOMP_SPINCOUNT=10000', 'GOMP_SPINCOUNT=100000', 'OMP_WAIT_POLICY=PASSIVE')

def one(epochs:int):
    import torch; torch.set_num_threads(THREADS)
    from sadvae.data import default_data, load_course
    from sadvae.train import model_input, fit
    from sadvae.model import VAE
    tr, _ = load_course(default_data('full')); tr = tr[:CELLS].copy()
    cells, _ = model_input(tr, 'processed'); m = VAE.from_arch('256-32', n_genes=cells.n_genes)
    h = fit(m, cells, epochs=epochs, batch_size=128, progress=False, seed=0)
    print(json.dumps(dict(sec_per_epoch=float(h.seconds.iloc[1:].median()), epoch_seconds=h.seconds.round(2).tolist())))

def measure(setting:str, busy:int, epochs:int)->dict:
    env = os.environ | dict(OMP_NUM_THREADS=str(THREADS), SADVAE_NO_OMP_DEFAULTS='1')
    for k in ('GOMP_SPINCOUNT', 'OMP_WAIT_POLICY'): env.pop(k, None)
    if setting != 'default': k, v = setting.split('='); env[k] = v
    hogs = [subprocess.Popen([sys.executable, '-c', 'while True: pass']) for _ in range(busy)]
    try:
        r = subprocess.run([sys.executable, __file__, '--one', '--epochs', str(epochs)], capture_output=True, text=True, env=env)
    finally:
        for h in hogs: h.kill()
    if r.returncode: raise RuntimeError(r.stderr[-2000:])
    return dict(setting=setting, busy=busy, **json.loads(r.stdout.strip().splitlines()[-1]))

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--one', action='store_true'); p.add_argument('--epochs', type=int, default=3)
    p.add_argument('--settings', nargs='+', default=list(SETTINGS)); p.add_argument('--busy', type=int, nargs='+', default=[0, 2])
    p.add_argument('--reps', type=int, default=2); p.add_argument('--out', default='results/bench/shared_machine.csv')
    a = p.parse_args()
    if a.one: return one(a.epochs)
    import pandas as pd
    from sadvae.data import atomic_path
    rows = []
    for rep in range(a.reps):
        for busy in a.busy:
            for s in a.settings:
                rows.append(measure(s, busy, a.epochs) | dict(rep=rep)); print(json.dumps(rows[-1]), flush=True)
    df = pd.DataFrame(rows)
    with atomic_path(a.out) as tmp: df.to_csv(tmp, index=False)
    t = df.groupby(['setting', 'busy']).sec_per_epoch.median().unstack('busy')
    t.columns = [f'busy={b}' for b in t.columns]
    if 'default' in t.index: t['quiet_vs_default'] = t['busy=0'] / t.loc['default', 'busy=0']
    if len(t.columns) > 2: t['slowdown_when_busy'] = t.iloc[:, 1] / t['busy=0']
    print(f'\n[256]/32 on {CELLS:,} cells, {THREADS} threads, median epoch after the first; wrote {a.out}\n'); print(t.round(3).to_string())

if __name__ == '__main__': main()

"""How to spend two cores on scvi-tools' SCVI: one process at two threads, or two processes at one thread each.

`quality.py`'s scVI runs take most of its time on a CPU. This trains `SCVI` with its defaults on the first `--cells`
cells of `quality.py`'s simulated data for `--epochs` epochs: once at 2 threads, once at 1 thread, then two 1-thread
processes at the same time, and prints seconds per epoch and the throughput of each way (epochs per second, all
processes together). Run it with nothing else on the machine.

    python bench/scvi_threads.py [--cells 8000] [--epochs 3]
"""
import argparse, os, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ONE = '''
import logging, sys, time, warnings; warnings.filterwarnings('ignore')
import anndata as ad, torch, scvi
torch.set_num_threads(int(sys.argv[1])); scvi.settings.verbosity = logging.ERROR
logging.getLogger('lightning.pytorch').setLevel(logging.ERROR)
a = ad.read_h5ad(sys.argv[2]); scvi.model.SCVI.setup_anndata(a); m = scvi.model.SCVI(a)
t = time.perf_counter(); m.train(max_epochs=int(sys.argv[3]), enable_progress_bar=False, accelerator='cpu')
print((time.perf_counter() - t)/int(sys.argv[3]))
'''

def start(threads:int, data:Path, epochs:int) -> subprocess.Popen:
    "One training process at `threads` threads."
    env = os.environ | {k: str(threads) for k in ('OMP_NUM_THREADS', 'NUMBA_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS')}
    return subprocess.Popen([sys.executable, '-c', ONE, str(threads), str(data), str(epochs)], env=env, stdout=subprocess.PIPE, text=True)

def seconds(*procs) -> list:
    "Seconds per epoch of each process, once all have ended."
    return [float(p.communicate()[0].split()[-1]) for p in procs]

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--cells', type=int, default=8000); p.add_argument('--epochs', type=int, default=3)
    a_ = p.parse_args()
    sys.path.insert(0, str(ROOT/'bench')); from quality import sim_data
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        data = Path(d)/'cells.h5ad'; a, _ = sim_data(); a[:a_.cells].copy().write_h5ad(data)
        two, = seconds(start(2, data, a_.epochs)); one, = seconds(start(1, data, a_.epochs))
        pair = seconds(start(1, data, a_.epochs), start(1, data, a_.epochs))
    print(f"SCVI defaults, {a_.cells:,} simulated cells x 5,000 genes, {a_.epochs} epochs, seconds per epoch:")
    print(f"  one process, 2 threads: {two:.2f} s   ({1/two:.3f} epochs/s)")
    print(f"  one process, 1 thread:  {one:.2f} s   ({1/one:.3f} epochs/s)")
    print(f"  two processes at once, 1 thread each: {pair[0]:.2f} and {pair[1]:.2f} s   ({sum(1/s for s in pair):.3f} epochs/s together, "
          f"{sum(1/s for s in pair)*two:.2f}x one process at 2 threads)")

if __name__ == '__main__': main()

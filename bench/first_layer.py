"""Benchmark: what the sparse first layer saves per training step, measured inside one process.

  .venv/bin/python bench/first_layer.py            # [256]/32 and [1024, 512, 256]/32 on processed counts, and [256]/32 NB

Timings of separate processes on a shared virtual machine drift by 10-15%, more than the saving on the small
model; here blocks of steps with the sparse and the dense first layer alternate in one process on the full-size
default data (2 threads, batch 128), and the medians per step are compared.
"""
import time, numpy as np, torch
torch.set_num_threads(2)
from sadvae.data import default_data, load_course
from sadvae.train import model_input, seed_everything
from sadvae.model import VAE

def steps(model, opt, data, idx_blocks, sparse):
    ts = []
    for idx in idx_blocks:
        t = time.perf_counter()
        x, b, xs = data.minibatch(idx, 'cpu', sparse)
        loss = model(x, b, sparse=xs).loss.mean(); opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
        ts.append(time.perf_counter() - t)
    return ts

def measure(arch, dataset, lik, tr, blocks=10, per_block=20):
    cells, _ = model_input(tr, dataset, likelihood=lik)
    seed_everything(0); m = VAE.from_arch(arch, n_genes=cells.n_genes, likelihood=lik); m.check_inputs = False
    opt = torch.optim.Adam(m.parameters(), lr=1e-3, fused=True)
    rng = np.random.default_rng(0); draw = lambda: [rng.choice(len(cells), 128, replace=False) for _ in range(per_block)]
    steps(m, opt, cells, draw(), True); steps(m, opt, cells, draw(), False)  # warm-up
    t = {True: [], False: []}
    for k in range(2*blocks): t[k % 2 == 0] += steps(m, opt, cells, draw(), k % 2 == 0)
    s, d = np.median(t[True])*1e3, np.median(t[False])*1e3
    n = len(cells) // 128
    print(f"{arch:>16s} {dataset:>9s} {lik:>4s}: sparse {s:6.2f} ms/step, dense {d:6.2f} ms/step, "
          f"saving {d - s:5.2f} ms/step = {(d - s)*n/1e3:4.2f} s/epoch ({(d - s)/d:.0%})", flush=True)

if __name__ == '__main__':
    tr, _ = load_course(default_data('full'))
    measure('256-32', 'processed', 'mse', tr)
    measure('256-32', 'counts', 'nb', tr)
    measure('1024-512-256-32', 'processed', 'mse', tr, blocks=6)

"""Benchmark: the negative-binomial loss of one minibatch, forward and backward, three ways, alternated in one process.

  .venv/bin/python bench/nb_loss.py                 # 128 cells x 5,000 genes, 2 threads, 5 rounds of 50 steps each
  .venv/bin/python bench/nb_loss.py --rounds 2 --steps 10

From the decoder's logits to the gradients of the logits and of theta (what an NB training step spends outside the
matrix products): log-softmax, means from the library sizes, then the per-cell NB log-likelihood summed over genes.

  autograd   the sum over genes written with torch ops and differentiated by autograd (log-gamma terms only at
             nonzero counts): `log_nb_sum` before it had its own backward pass
  sadvae     `sadvae.elbo.log_nb_sum`: the same sum with a hand-written backward pass (one full-size product for mu,
             two matrix-vector products for theta, the rest on nonzero counts only)
  sadvae_csr the same, given the nonzero positions from the minibatch's CSR form (as `fit` does with its sparse first layer)
  compiled   `torch.compile` of the dense formula (every entry's log-gamma terms; the nonzero search breaks a graph)

Counts are Poisson draws with the density of the default data's training matrix (about 18% nonzero). Prints
milliseconds per step (median of the rounds) and the largest relative difference of each loss from autograd's.
"""
import argparse, time, statistics
import torch, torch.nn.functional as F

def autograd_nb_sum(x, mu, theta, eps=1e-8):
    "The NB sum over genes, differentiated by autograd."
    log_theta_mu = torch.log(theta + mu + eps)
    ll = (theta*(torch.log(theta + eps) - log_theta_mu) + x*(torch.log(mu + eps) - log_theta_mu)).sum(-1)
    r, c = torch.nonzero(x, as_tuple=True)
    xv, t = x[r, c], theta.expand(x.shape[-1])[c]
    return ll.index_add(0, r, torch.lgamma(xv + t) - torch.lgamma(t) - torch.lgamma(xv + 1))

def dense_nb_sum(x, mu, theta, eps=1e-8):
    "The NB sum over genes with every entry's log-gamma terms (what torch.compile fuses)."
    lt = torch.log(theta + mu + eps)
    return (theta*(torch.log(theta + eps) - lt) + x*(torch.log(mu + eps) - lt)
            + torch.lgamma(x + theta) - torch.lgamma(theta) - torch.lgamma(x + 1)).sum(-1)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--cells', type=int, default=128); p.add_argument('--genes', type=int, default=5000)
    p.add_argument('--density', type=float, default=0.18); p.add_argument('--rounds', type=int, default=5)
    p.add_argument('--steps', type=int, default=50); p.add_argument('--threads', type=int, default=2)
    a = p.parse_args()
    from sadvae.elbo import log_nb_sum
    torch.set_num_threads(a.threads); torch.manual_seed(0)
    rate = -torch.log1p(-torch.full((a.cells, a.genes), a.density))          # P(x > 0) = density
    x = torch.distributions.Poisson(rate*torch.rand(a.cells, a.genes)*2).sample()
    flat = torch.nonzero(x.reshape(-1)).squeeze(1)
    logits, th = torch.randn(a.cells, a.genes, requires_grad=True), torch.zeros(a.genes, requires_grad=True)
    compiled = torch.compile(dense_nb_sum, dynamic=False)
    kinds = dict(autograd=autograd_nb_sum, sadvae=log_nb_sum, sadvae_csr=lambda x, m, t: log_nb_sum(x, m, t, nonzero=flat),
                 compiled=compiled)
    def step(f):
        mu = torch.exp(torch.log_softmax(logits, -1) + torch.log(x.sum(-1, keepdim=True)))
        loss = -f(x, mu, F.softplus(th) + 1e-4)
        loss.sum().backward(); return loss.detach()
    ref = step(autograd_nb_sum)
    diff = {k: float(((step(f) - ref).abs()/ref.abs()).max()) for k, f in kinds.items()}   # also warms up and compiles
    times = {k: [] for k in kinds}
    for _ in range(a.rounds):
        for k, f in kinds.items():
            t = time.perf_counter()
            for _ in range(a.steps): step(f)
            times[k].append((time.perf_counter() - t)/a.steps*1000)
    print(f'{a.cells} x {a.genes}, {float((x > 0).float().mean()):.1%} nonzero, {a.threads} threads, torch {torch.__version__}')
    base = statistics.median(times['autograd'])
    for k, v in times.items():
        print(f'{k:>11s}: {statistics.median(v):6.2f} ms per step (rounds: {" ".join(f"{t:.2f}" for t in v)}), '
              f'{base/statistics.median(v):.2f}x autograd, max relative difference {diff[k]:.1e}')

if __name__ == '__main__': main()

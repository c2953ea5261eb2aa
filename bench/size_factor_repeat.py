"Repeatability of the simulator's pooled size factors: the same counts, deconvolved again in one process."
# Usage: python bench/size_factor_repeat.py [--exact]   (full default data from the cache; prints one line per repeat)
import sys, time, numpy as np, anndata as ad, scipy.sparse as sp
import sadvae.data as D
from threadpoolctl import threadpool_limits

def exact_cluster_factors(c, sizes, min_mean):
    "As `_cluster_factors`, but the least-squares system solved directly (normal equations, sparse LU) instead of by lsqr to 1e-5."
    from scipy.sparse.linalg import spsolve
    lib = np.asarray(c.sum(1)).ravel(); o = D._ring(lib); E = sp.diags(1/lib) @ c
    ave = np.asarray(E.mean(0)).ravel(); keep = np.flatnonzero(ave*lib.mean() >= min_mean)
    ri, ci, rhs, m = D._pool_system((E[:, keep] @ sp.diags(1/ave[keep])).toarray()[o], sizes)
    n, w = len(lib), 1e-3
    A = sp.csr_matrix((np.r_[np.ones(len(ri)), np.full(n, w)], (np.r_[ri, m+np.arange(n)], np.r_[ci, np.arange(n)])), shape=(m+n, n))
    theta = spsolve((A.T @ A).tocsc(), A.T @ np.r_[rhs, np.full(n, w)])
    sf = np.empty(n); sf[o] = theta * lib[o] / lib.mean()
    return D._clean(sf, np.diff(c.indptr))

if __name__ == '__main__':
    exact = '--exact' in sys.argv
    a = ad.read_h5ad(D.default_data('full')/'train.h5ad')  # before the patch below: the patch changes `sim_code`, which would simulate the cache again
    C, ref = a.layers['counts'], a.obs['GEX_size_factors'].to_numpy()
    if exact: D._cluster_factors = exact_cluster_factors
    cmax = C.max(1).toarray().ravel()
    print(f"cached file: smallest factor {ref.min():.3g}, largest X {(cmax/ref).max():.4g}")
    prev = None
    for i, nt in enumerate((1, 2, 1)):
        t = time.time()
        with threadpool_limits(nt): sf = D.pooled_size_factors(C, seed=0)
        same = 'n/a' if prev is None else f'{np.abs(sf - prev).max():.3g}'
        print(f"{'exact' if exact else 'lsqr'} repeat {i+1} ({nt} BLAS thread{'s'*(nt>1)}): {time.time()-t:.1f} s, smallest factor {sf.min():.3g}, "
              f"largest X {(cmax/sf).max():.4g}, max |change| from the previous repeat {same}, from the cached file {np.abs(sf-ref).max():.3g}", flush=True)
        prev = sf

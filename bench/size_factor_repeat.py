"Repeatability of the simulator's pooled size factors: the same counts, deconvolved again in one process."
# Usage: python bench/size_factor_repeat.py [--exact]   (full default data from the cache; prints one line per repeat)
import sys, time, numpy as np, anndata as ad, scipy.sparse.linalg
import sadvae.data as D
from threadpoolctl import threadpool_limits

def exact_lsqr(A, b, **kwargs):
    "Stands in for scipy's lsqr in `_cluster_factors`: the same least-squares system solved directly (normal equations, sparse LU)."
    from scipy.sparse.linalg import spsolve
    return (spsolve((A.T @ A).tocsc(), A.T @ b),)

if __name__ == '__main__':
    exact = '--exact' in sys.argv
    a = ad.read_h5ad(D.default_data('full')/'train.h5ad')
    C, ref = a.layers['counts'], a.obs['GEX_size_factors'].to_numpy()
    if exact: scipy.sparse.linalg.lsqr = exact_lsqr  # `_cluster_factors` imports lsqr when called; its source (and `sim_code`) stay as they are
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

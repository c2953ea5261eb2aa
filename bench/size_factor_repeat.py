"Repeatability of the simulator's pooled size factors: the same counts, deconvolved again in one process under other thread counts."
# Usage: python bench/size_factor_repeat.py   (full default data from the cache; prints one line per repeat)
import time, numpy as np, anndata as ad
import sadvae.data as D
from threadpoolctl import threadpool_limits

if __name__ == '__main__':
    a = ad.read_h5ad(D.default_data('full')/'train.h5ad')
    C, ref = a.layers['counts'], a.obs['GEX_size_factors'].to_numpy()
    cmax = C.max(1).toarray().ravel()
    print(f"simulator {D.sim_code()}: cached file's smallest factor {ref.min():.3g}, largest X {(cmax/ref).max():.4g}")
    prev = None
    for i, nt in enumerate((1, 2, 1)):
        t = time.time()
        with threadpool_limits(nt): sf = D.pooled_size_factors(C, seed=0)
        same = 'n/a' if prev is None else f'{np.abs(sf - prev).max():.3g}'
        print(f"repeat {i+1} ({nt} BLAS thread{'s'*(nt>1)}): {time.time()-t:.1f} s, smallest factor {sf.min():.3g}, largest X {(cmax/sf).max():.4g}, "
              f"max |change| from the previous repeat {same}, from the cached file {np.abs(sf-ref).max():.3g}", flush=True)
        prev = sf

__version__ = "0.1.0"

# What users call, importable from the top (`import sadvae as sv; sv.SadVAE`); loaded on first use, so that
# `import sadvae` stays fast and the command line does not pay for torch or scanpy it does not need.
_LAZY = dict(SadVAE='sadvae.api', setup_anndata='sadvae.api', train_vae='sadvae.train', load_model='sadvae.model',
             save_model='sadvae.model', VAE='sadvae.model', simulate_course='sadvae.data', read_h5ad='sadvae.data', real_sample='sadvae.data')

def __getattr__(name):
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'sadvae' has no attribute {name!r}")

def __dir__(): return sorted(list(globals()) + list(_LAZY))

"""Benchmark: the README's first command on a fresh clone, timed: install, first run, and a rerun.

  python3 bench/main_job.py                   # clone this repository's HEAD into a temporary folder and time it there
  python3 bench/main_job.py --keep DIR        # clone into DIR and keep it (the site and PDF stay there)
  python3 bench/main_job.py --times 2         # two fresh clones, one after the other (a target is met only if both meet it)
  python3 bench/main_job.py --times 2 --keep D # the same, keeping the clones in D-1 and D-2

What a new user meets: a clone with nothing built, a fresh venv, and an empty data cache (SADVAE_CACHE points
into the clone, so the built-in data is simulated as on a new machine). The install step runs the README's
setup command; the run step runs `sadvae run` exactly as the README does; the rerun runs it again. Stage lines of
each run are kept with their times. Writes results/bench/main_job.csv (one row per step with the machine's CPU,
cores, memory, Python and torch) and prints it. Run it on a quiet machine: it is a wall-time measurement.
"""
import argparse, os, platform, re, shutil, subprocess, sys, tempfile, time
from pathlib import Path

SETUP = 'python3 -m venv .venv && .venv/bin/pip install torch==2.13.0 -e ".[dev]"'

def machine()->dict:
    cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), platform.processor())
    mem = int(next(l.split()[1] for l in open('/proc/meminfo') if l.startswith('MemTotal'))) / 2**20
    return dict(cpu=cpu, cores=os.cpu_count(), memory_gib=round(mem, 1), python=platform.python_version())

def timed(cmd, cwd, env, log):
    t = time.perf_counter(); lines = []
    with subprocess.Popen(cmd, shell=True, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as p:
        for line in p.stdout: lines.append(line); print(f'  {line}', end='', flush=True) if log else None
    if p.returncode: raise SystemExit(f'{cmd!r} failed ({p.returncode}):\n' + ''.join(lines[-40:]))
    return time.perf_counter() - t, ''.join(lines)

def trial(repo='.', keep=None, n=1)->list[dict]:
    "One fresh clone, timed: install, first run, rerun."
    d = Path(keep) if keep else Path(tempfile.mkdtemp(prefix='sadvae-main-job-'))
    if d.exists() and any(d.iterdir()): raise SystemExit(f'{d} is not empty')
    subprocess.run(['git', 'clone', '-q', str(Path(repo).resolve()), str(d)], check=True)
    head = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=d, capture_output=True, text=True).stdout.strip()
    env = {k: v for k, v in os.environ.items() if not k.startswith(('SADVAE_', 'VIRTUAL_ENV'))} | dict(SADVAE_CACHE=str(d/'.sadvae_cache'))
    rows, info = [], machine()
    for step, cmd in (('install', SETUP), ('first run', '.venv/bin/sadvae run'), ('rerun', '.venv/bin/sadvae run')):
        print(f'{step}: {cmd}', flush=True)
        secs, text = timed(cmd, d, env, step != 'install')
        pages = re.findall(r'(\d+) pages, (\d+) figures', text); pdf = re.findall(r'\((\d+) pages\)', text)
        trained = len(re.findall(r'\] models: .*: trained', text))  # models the run trained rather than took from results/
        rows.append(dict(trial=n, step=step, seconds=round(secs, 1), commit=head, models_trained=trained if step != 'install' else '', site_pages=pages[-1][0] if pages else '',
                         site_figures=pages[-1][1] if pages else '', pdf_pages=pdf[-1] if pdf else '', **info))
        print(f'{step}: {secs:.0f} s', flush=True)
    torch = subprocess.run(['.venv/bin/python', '-c', 'import torch; print(torch.__version__)'], cwd=d, capture_output=True, text=True).stdout.strip()
    for r in rows: r['torch'] = torch
    if not keep: shutil.rmtree(d, ignore_errors=True)
    return rows

def write(rows:list[dict], out):
    "The rows so far, atomically: a run stopped during a later trial keeps the finished ones."
    import csv
    Path(out).parent.mkdir(parents=True, exist_ok=True); tmp = Path(out).with_suffix('.tmp')
    with open(tmp, 'w', newline='') as f: w = csv.DictWriter(f, fieldnames=list(rows[0])); w.writeheader(); w.writerows(rows)
    tmp.replace(out)

def main(repo='.', keep=None, out='results/bench/main_job.csv', times=1):
    rows = []
    for n in range(1, times + 1): rows += trial(repo, keep if times == 1 else (f'{keep}-{n}' if keep else None), n); write(rows, out)
    for r in rows: print(r)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--repo', default='.'); p.add_argument('--keep'); p.add_argument('--out', default='results/bench/main_job.csv')
    p.add_argument('--times', type=int, default=1, help='fresh clones to time, one after the other')
    a = p.parse_args(); main(a.repo, a.keep, a.out, a.times)

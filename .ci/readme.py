"""Write README.md from nbs/index.ipynb (what `nbdev_readme` does, without needing Quarto)."""
import json, re, sys
from pathlib import Path

def render(nb_path='nbs/index.ipynb'):
    nb = json.loads(Path(nb_path).read_text())
    out = []
    for c in nb['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'markdown':
            src = re.sub(r'^> (.*)$', r'> \1', src, flags=re.M)
            out.append(src)
        elif c['cell_type'] == 'code':
            if re.search(r'^#\|\s*(hide|export)', src, flags=re.M): continue
            if not re.search(r'^#\|\s*echo:\s*false', src, flags=re.M): out.append('```python\n' + src.strip() + '\n```')
            img = re.search(r'^# readme: (\S+)', src, flags=re.M)  # an image output links to the committed file
            texts = []
            for o in c.get('outputs', []):
                d = o.get('data', {})
                if 'image/png' in d and img: texts.append(f'![{Path(img[1]).stem}]({img[1]})')
                elif 'text/markdown' in d: texts.append(''.join(d['text/markdown']))
                elif 'text/plain' in d: texts.append('```\n' + ''.join(d['text/plain']).rstrip() + '\n```')
                elif o.get('output_type') == 'stream': texts.append('```\n' + ''.join(o['text']).rstrip() + '\n```')
            out += texts
    return '<!-- Generated from nbs/index.ipynb by .ci/readme.py: edit the notebook, not this file. -->\n\n' + '\n\n'.join(out) + '\n'

if __name__ == '__main__':
    Path('README.md').write_text(render())

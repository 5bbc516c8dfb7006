#!/usr/bin/env python3
"""Lists the import loops inside one source root: pairs of top-level Java files that use each other,
and larger cycles (strongly connected groups). A use is an import or, within a package, the other
file's simple name outside comments and strings (--comments counts javadoc links too).
usage: scripts/import-loops.py SRCROOT [--comments], e.g. scripts/import-loops.py fleetconf-store/src/main/java"""
import os, re, sys
root = sys.argv[1]; keep_comments = '--comments' in sys.argv
files = {}
for d, _, fs in os.walk(root):
    for f in fs:
        if f.endswith('.java'):
            p = os.path.join(d, f)
            pkg = os.path.relpath(d, root).replace(os.sep, '.')
            files[pkg + '.' + f[:-5]] = open(p).read()
TOKEN = re.compile(r'"""(?:.|\n)*?"""|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|/\*(?:.|\n)*?\*/|//[^\n]*')
def strip(src):
    return TOKEN.sub(lambda m: ' ' if m.group(0).startswith('/') else '""', src)
edges = {}
for fq, src in files.items():
    text = src if keep_comments else strip(src)
    pkg = fq.rsplit('.', 1)[0]
    imports = set(re.findall(r'^import\s+(?:static\s+)?([\w.]+)', text, flags=re.M))
    body = re.sub(r'^(package|import)[^\n]*', '', text, flags=re.M)
    out = set()
    nested = set(re.findall(r'\b(?:class|record|interface|enum)\s+(\w+)', body)) - {fq.rsplit('.', 1)[1]}
    for other in files:
        if other == fq: continue
        opkg, oname = other.rsplit('.', 1)
        if opkg == pkg:
            if oname in nested: continue  # a nested type of the same simple name shadows it
            if re.search(r'\b' + oname + r'\b', body): out.add(other)
        else:
            if any(i == other or i.startswith(other + '.') for i in imports) or re.search(r'\b' + re.escape(other) + r'\b', body) \
               or any(i == opkg + '.*' for i in imports) and re.search(r'\b' + oname + r'\b', body):
                out.add(other)
    edges[fq] = out
pairs = sorted({tuple(sorted((a, b))) for a in edges for b in edges[a] if a in edges.get(b, ())})
print('2-file loops:', len(pairs))
for a, b in pairs: print('  ', a, '<->', b)
# Tarjan SCC
idx = {}; low = {}; st = []; on = set(); sccs = []; c = [0]
sys.setrecursionlimit(10000)
def sc(v):
    idx[v] = low[v] = c[0]; c[0] += 1; st.append(v); on.add(v)
    for w in edges[v]:
        if w not in idx: sc(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], idx[w])
    if low[v] == idx[v]:
        comp = []
        while True:
            w = st.pop(); on.discard(w); comp.append(w)
            if w == v: break
        if len(comp) > 1: sccs.append(sorted(comp))
for v in edges:
    if v not in idx: sc(v)
print('cycles (strongly connected groups):', len(sccs))
for s in sccs: print('  ', ', '.join(x.rsplit('.',1)[1] for x in s))

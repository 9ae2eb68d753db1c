#!/usr/bin/env python3
"""The module tree of a crate's src/ (default: the server's): files, lines, and which top-level
module names which (`crate::X` anywhere in a file, `use crate::{X, ...}` included; a file compiled
by `include!` counts in the module that includes it). A strongly connected component of more than
one module is an import cycle.

    python3 crates/server/scripts/modules.py [crates/server/src]
"""
import os, re, sys
src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src")
mods = {}
for root, _, files in os.walk(src):
    for f in files:
        if f.endswith('.rs'):
            p = os.path.join(root, f)
            rel = os.path.relpath(p, src)
            top = rel.split(os.sep)[0]
            top = top[:-3] if top.endswith('.rs') else top
            mods.setdefault(top, []).append(p)
# Files compiled by `include!("x.rs")` belong to the module that includes them.
for m, files in list(mods.items()):
    for p in files:
        for inc in re.findall(r'include!\("([^"]+)"\)', open(p).read()):
            t = os.path.normpath(os.path.join(os.path.dirname(p), inc))
            tm = os.path.relpath(t, src).split(os.sep)[0]
            tm = tm[:-3] if tm.endswith('.rs') else tm
            if tm in mods and tm != m:
                mods[m].extend(mods.pop(tm))
                print(f"({os.path.relpath(t, src)}: include!d, counted in {m})")
names = set(mods) - {'lib', 'main'}
edges = {m: set() for m in mods}
for m, files in mods.items():
    for p in files:
        text = open(p).read()
        for x in re.findall(r'crate::(\w+)', text):
            if x in names and x != m:
                edges[m].add(x)
        for grp in re.findall(r'use crate::\{([^}]*)\}', text, re.S):
            for x in re.findall(r'(?:^|,)\s*(\w+)', grp):
                if x in names and x != m:
                    edges[m].add(x)
total = 0
print("files and lines:")
for m in sorted(mods):
    for p in sorted(mods[m]):
        n = sum(1 for _ in open(p))
        total += n
        print(f"  {os.path.relpath(p, src):32} {n:5}")
print(f"  {'total':32} {total:5} in {sum(len(v) for v in mods.values())} files")
print("uses (module -> modules it names as crate::X):")
for m in sorted(edges):
    if edges[m]:
        print(f"  {m} -> {', '.join(sorted(edges[m]))}")
# Tarjan
index, low, stack, on, sccs, i = {}, {}, [], set(), [], [0]
def visit(v):
    index[v] = low[v] = i[0]; i[0] += 1; stack.append(v); on.add(v)
    for w in edges[v]:
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        c = []
        while True:
            w = stack.pop(); on.discard(w); c.append(w)
            if w == v: break
        sccs.append(c)
sys.setrecursionlimit(10000)
for v in sorted(edges):
    if v not in index:
        visit(v)
cyc = [sorted(c) for c in sccs if len(c) > 1]
print(f"import cycles: {len(cyc)}")
for c in cyc:
    print(f"  {len(c)} modules: {', '.join(c)}")

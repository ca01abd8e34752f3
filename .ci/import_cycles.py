#!/usr/bin/env python3
"""Import circles between files (issue 18): no file may import a file that imports it back.

Reads every `use` (and `pub use`) of src/ outside `#[cfg(test)]` modules and every inline
`crate::`/`super::`/`self::` path, resolves each path to the file of the deepest module it
names (a re-export is an import of the file that re-exports), and prints each circle found
(pairs and longer loops). Exit 1 if there is one. Module declarations (`mod x;`) are not
imports, and neither is a module file's use of the children it declares (mod.rs re-exporting
`child::Item` is the facade of one unit); a child using its parent, and any file using a
sibling or a file elsewhere, is.
"""
import os, re, sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")

def modules(root_file, prefix):
    """Map module path tuple -> file, walking `mod x;` declarations from a crate root."""
    out = {}
    def walk(path, mod):
        out[mod] = path
        text = open(path, encoding="utf-8").read()
        base = os.path.dirname(path)
        if not (path.endswith("mod.rs") or path.endswith("lib.rs") or path.endswith("main.rs")):
            base = os.path.join(base, os.path.basename(path)[:-3])
        for m in re.finditer(r"(?m)^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", text):
            name = m.group(1)
            for cand in (os.path.join(base, name + ".rs"), os.path.join(base, name, "mod.rs")):
                if os.path.exists(cand):
                    walk(cand, mod + (name,))
                    break
    walk(root_file, prefix)
    return out

def strip_tests_and_comments(text):
    text = re.sub(r"(?m)//.*$", "", text)
    m = re.search(r"#\[cfg\(test\)\]\s*(#\[[^\]]*\]\s*)*mod\s+\w+\s*\{", text)
    return text[: m.start()] if m else text

def expand(tree):
    """`a::{b, c::{d}}` -> [a::b, a::c::d]."""
    tree = re.sub(r"\s+", "", tree)
    def split_top(s):
        parts, depth, cur = [], 0, ""
        for ch in s:
            if ch == "{": depth += 1
            if ch == "}": depth -= 1
            if ch == "," and depth == 0:
                parts.append(cur); cur = ""
            else:
                cur += ch
        if cur: parts.append(cur)
        return parts
    i = tree.find("{")
    if i < 0:
        return [tree]
    head, body = tree[:i], tree[i + 1 : tree.rfind("}")]
    out = []
    for p in split_top(body):
        for e in expand(p):
            out.append(head + e)
    return out

def resolve(path, here, mods):
    parts = [p for p in re.sub(r"\s+as\s+\w+$", "", path).split("::") if p]
    parts = [re.sub(r"\s+as\s+\w+$", "", p) for p in parts]
    if not parts:
        return None
    cur = here
    if parts[0] == "crate":
        cur, parts = (here[0],), parts[1:]
    elif parts[0] in ("super", "self"):
        while parts and parts[0] in ("super", "self"):
            if parts[0] == "super":
                cur = cur[:-1]
            parts = parts[1:]
    elif here + (parts[0],) in mods:
        pass  # a path relative to the current module (`pub use child::Item`)
    else:
        return None
    best = cur
    for i in range(len(parts)):
        cand = cur + tuple(parts[: i + 1])
        if cand in mods:
            best = cand
        else:
            break
    return best

def edges(mods):
    out = {}
    for mod, f in mods.items():
        text = strip_tests_and_comments(open(f, encoding="utf-8").read())
        # a file's own module path: super:: from a non-mod.rs file goes to its parent
        targets = set()
        for m in re.finditer(r"(?s)\buse\s+(\w+::[^;]*);", text):
            for p in expand(m.group(1)):
                t = resolve(p, mod, mods)
                if t is not None:
                    targets.add(t)
        body = re.sub(r"(?s)\buse\s+[^;]*;", "", text)
        for m in re.finditer(r"\b((?:crate|super|self)(?:::\w+)+)", body):
            t = resolve(m.group(1), mod, mods)
            if t is not None:
                targets.add(t)
        targets.discard(mod)
        # A module file and the children it declares are one unit (the facade pattern: mod.rs
        # re-exports `child::Item`); the edge parent -> own child is not counted. Every other
        # edge is: sibling to sibling, child to parent, across folders.
        targets = {t for t in targets if not (len(t) == len(mod) + 1 and t[: len(mod)] == mod)}
        out[mod] = {mods[t] for t in targets if t in mods and mods[t] != f}
    return {mods[m]: e for m, e in out.items()}

def cycles(graph):
    idx, low, stack, on, res, n = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)
    def sc(v):
        idx[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
        for w in graph.get(v, ()):
            if w not in idx:
                sc(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], idx[w])
        if low[v] == idx[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v: break
            if len(comp) > 1:
                res.append(sorted(comp))
    for v in graph:
        if v not in idx:
            sc(v)
    return res

def main():
    bad = 0
    roots = [(os.path.join(ROOT, "lib.rs"), ("crate",))]
    bindir = os.path.join(ROOT, "bin")
    if os.path.isdir(bindir):
        for b in sorted(os.listdir(bindir)):
            mainf = os.path.join(bindir, b, "main.rs")
            if os.path.exists(mainf):
                roots.append((mainf, ("bin_" + b,)))
    total_files = total_edges = 0
    for rootf, pre in roots:
        mods = modules(rootf, pre)
        g = edges(mods)
        total_files += len(g); total_edges += sum(len(e) for e in g.values())
        for comp in cycles(g):
            bad += 1
            rel = [os.path.relpath(c, os.path.join(ROOT, "..")) for c in comp]
            pairs = [(a, b) for a in comp for b in comp if a < b and b in g.get(a, ()) and a in g.get(b, ())]
            print("import circle among:", ", ".join(rel))
            for a, b in pairs:
                print("   ", os.path.relpath(a, os.path.join(ROOT, "..")), "<->", os.path.relpath(b, os.path.join(ROOT, "..")))
    print(f"{total_files} files, {total_edges} file-to-file imports, {bad} circle(s)")
    return 1 if bad else 0

sys.exit(main())

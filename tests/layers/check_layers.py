#!/usr/bin/env python3
"""Holds the exporter's layering: a file includes only from its own layer or below.

The order is the one docs/architecture.md declares, on its line starting with
"Layers, lowest first:"; a file's layer is its folder under exporter/
(exporter/main.cpp sits above them all). Every `#include "..."` under
exporter/ must name an existing file of the same layer or a lower one.
Prints each violation as `file:line: <layer> includes <layer> (path)`, and
exits 1 when there is any.

Usage: check_layers.py [--root=REPO]
"""
import argparse
import pathlib
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
LAYER_LINE = re.compile(r"^Layers, lowest first:\s*(.+)$", re.MULTILINE)
TOP = "main.cpp"


def declared_layers(architecture):
    match = LAYER_LINE.search(architecture.read_text())
    if not match:
        sys.exit(f"{architecture}: no line starting with 'Layers, lowest first:'")
    layers = re.findall(r"`([a-z_]+)/?`", match.group(1))
    if len(layers) < 2:
        sys.exit(f"{architecture}: the layer line names fewer than two layers")
    return layers


def layer_of(path, exporter):
    relative = path.relative_to(exporter)
    return TOP if len(relative.parts) == 1 else relative.parts[0]


def violations(exporter, layers):
    rank = {layer: index for index, layer in enumerate(layers)}
    rank[TOP] = len(layers)
    found = []
    for path in sorted(exporter.rglob("*")):
        if path.suffix not in (".h", ".cpp") or not path.is_file():
            continue
        own = layer_of(path, exporter)
        if own not in rank:
            found.append(f"{path}: folder {own!r} is not in docs/architecture.md's layer line")
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            included = exporter / match.group(1)
            theirs = layer_of(included, exporter)
            where = f"{path.relative_to(exporter.parent)}:{number}"
            if not included.is_file():
                found.append(f"{where}: includes {match.group(1)}, which is not a file under exporter/")
            elif theirs not in rank:
                found.append(f"{where}: includes {match.group(1)}, from folder {theirs!r} of no layer")
            elif rank[theirs] > rank[own]:
                found.append(f"{where}: {own} includes {theirs} ({match.group(1)}), a higher layer")
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=str(pathlib.Path(__file__).resolve().parent.parent.parent))
    root = pathlib.Path(parser.parse_args().root)
    layers = declared_layers(root / "docs" / "architecture.md")
    found = violations(root / "exporter", layers)
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} include(s) break the layer order {' < '.join(layers)}")
        return 1
    print(f"layers hold: {' < '.join(layers)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

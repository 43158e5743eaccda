#!/usr/bin/env python3
"""Holds the exporter's function length: no function under exporter/ is longer than 80 lines.

A function is a '{' opened at namespace or class scope after a ')' (its
signature, qualifiers or initializer list); its length is the lines from that
brace to the matching '}', both included. Comments, string and character
literals (raw strings too) are blanked first, so braces in them do not count.
Prints each function over the limit as `file:line: name: N lines` and exits 1
when there is any.

Usage: check_function_length.py [--root=REPO] [--limit=80]
"""
import argparse
import pathlib
import re
import sys


def strip(src):
    # blank out comments, string and char literals (raw strings too), keeping newlines
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i); j = n if j < 0 else j
            out.append(" " * (j - i)); i = j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2); j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", src[i:j])); i = j
        elif c == 'R' and src.startswith('R"', i) and (i == 0 or not (src[i-1].isalnum() or src[i-1] == '_')):
            m = re.match(r'R"([^(\s]*)\(', src[i:])
            end = src.find(")" + m.group(1) + '"', i)
            j = end + len(m.group(1)) + 2
            out.append(re.sub(r"[^\n]", " ", src[i:j])); i = j
        elif c in "\"'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            j += 1
            out.append(" " * (j - i)); i = j
        else:
            out.append(c); i += 1
    return "".join(out)

CONTROL = re.compile(r"\b(if|for|while|switch|catch)\s*\(")

def functions(path):
    text = strip(path.read_text())
    stack = []  # entries: 'scope' or ('fn', start_line, name)
    last = 0    # index after the last ; { or } at scope level
    line_of = lambda k: text.count("\n", 0, k) + 1
    for k, ch in enumerate(text):
        if ch == "{":
            inside_fn = any(isinstance(e, tuple) for e in stack)
            head = text[last:k]
            if not inside_fn and re.search(r"\)\s*(const|noexcept|override|final|mutable|->[^{;]*|:[^;{]*|\s)*$", head, re.S) \
               and not CONTROL.search(head) and "=" not in head.split("(")[0]:
                m = re.search(r"([~\w:]+)\s*\(", head)
                stack.append(("fn", line_of(k), m.group(1) if m else "?"))
            else:
                stack.append("scope")
            last = k + 1
        elif ch == "}":
            e = stack.pop() if stack else "scope"
            if isinstance(e, tuple):
                yield e[2], e[1], line_of(k) - e[1] + 1
            if not any(isinstance(x, tuple) for x in stack):
                last = k + 1
        elif ch == ";" and not any(isinstance(x, tuple) for x in stack):
            last = k + 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=str(pathlib.Path(__file__).resolve().parent.parent.parent))
    parser.add_argument("--limit", type=int, default=80)
    args = parser.parse_args()
    exporter = pathlib.Path(args.root) / "exporter"
    found = []
    for path in sorted(exporter.rglob("*")):
        if path.suffix in (".cpp", ".h") and path.is_file():
            for name, start, length in functions(path):
                if length > args.limit:
                    found.append(f"{path.relative_to(exporter.parent)}:{start}: {name}: {length} lines")
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} function(s) longer than {args.limit} lines: split them")
        return 1
    print(f"every function under exporter/ is at most {args.limit} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())

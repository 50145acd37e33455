#!/usr/bin/env python3
"""check-shape.py: the size limits of the house style, checked.

  check-shape.py [--max-file-lines N] [--max-function-lines N] PATH...

PATH is a .c or .h file, or a folder whose .c and .h files (recursively)
are read.

A .c file over 700 lines is asking to be split along a concern, and a
function over 80 lines to be split into functions with one job each. This
lists every file and function over the limits (file:line: what) and exits 1
when there is one. A function is counted from the line of its opening brace
at column 0 to its closing brace at column 0 (the project's clang-format
puts both there), so a long comment above it does not count.
"""

import argparse
import os
import re
import sys

NAME = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(")


def function_name(lines, brace_index):
    """The name of the function whose body opens at brace_index."""
    for index in range(brace_index - 1, max(brace_index - 6, -1), -1):
        match = NAME.search(lines[index])
        if match and not lines[index].startswith((" ", "\t")):
            return match.group(1), index + 1
    return "?", brace_index + 1


def check(path, max_file, max_function):
    with open(path, encoding="utf-8") as source:
        lines = source.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    problems = []
    if path.endswith(".c") and len(lines) > max_file:
        problems.append(f"{path}:1: {len(lines)} lines (at most {max_file})")
    start = None
    for index, line in enumerate(lines):
        if line == "{":
            start = index
        elif line.startswith("}") and start is not None:
            length = index - start + 1
            previous = lines[start - 1] if start > 0 else ""
            # Initialisers of tables at file scope end with "};", not a body.
            if length > max_function and not previous.rstrip().endswith("="):
                name, at = function_name(lines, start)
                problems.append(f"{path}:{at}: {name} has {length} lines (at most {max_function})")
            start = None
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-file-lines", type=int, default=700)
    parser.add_argument("--max-function-lines", type=int, default=80)
    parser.add_argument("files", nargs="+", metavar="PATH")
    options = parser.parse_args()
    problems = []
    paths = []
    for path in options.files:
        if os.path.isdir(path):
            for folder, folders, names in sorted(os.walk(path)):
                # Installed packages (the browser tests' npm modules) are not ours.
                folders[:] = [name for name in folders if name != "node_modules"]
                paths += [os.path.join(folder, name) for name in sorted(names)
                          if name.endswith((".c", ".h"))]
        else:
            paths.append(path)
    for path in paths:
        problems += check(path, options.max_file_lines, options.max_function_lines)
    for problem in problems:
        print(problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()

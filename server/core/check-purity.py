#!/usr/bin/env python3
"""check-purity.py: refuse core files that reach for I/O layers.

  check-purity.py STAMP CORE_DIR SHARED_INCLUDE_DIR FILE...

A core file may include system headers and jansson, headers of the core
itself and the shared wire headers (include/parkshare). An include of
libevent (event2/, event.h), hiredis or curl, or of a quoted header found
neither in the core nor in the shared headers, is an error naming the file
and line. On success STAMP is written (an empty header) so the build can
depend on the check.
"""

import os
import re
import sys

FORBIDDEN = re.compile(r"^(event2/|event\.h$|evhttp\.h$|hiredis/|hiredis\.h$|curl/)")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def check(path, core_dir, shared_dir):
    problems = []
    with open(path, encoding="utf-8") as source:
        for number, line in enumerate(source, 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            kind, name = match.groups()
            where = f"{path}:{number}"
            if FORBIDDEN.match(name):
                problems.append(f"{where}: the core may not include <{name}> (I/O belongs to the edges)")
            elif kind == '"' and not (os.path.exists(os.path.join(core_dir, name))
                                      or os.path.exists(os.path.join(shared_dir, name))):
                problems.append(f"{where}: the core may not include \"{name}\" "
                                "(only core headers and include/parkshare)")
    return problems


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: check-purity.py STAMP CORE_DIR SHARED_INCLUDE_DIR FILE...")
    stamp, core_dir, shared_dir = sys.argv[1:4]
    problems = []
    for path in sys.argv[4:]:
        if path.endswith((".c", ".h")):
            problems += check(path, core_dir, shared_dir)
    if problems:
        sys.exit("\n".join(problems))
    with open(stamp, "w", encoding="utf-8") as out:
        out.write("/* core-purity.h: written when every core file passed check-purity.py. */\n")


if __name__ == "__main__":
    main()

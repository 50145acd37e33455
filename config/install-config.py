#!/usr/bin/env python3
"""install-config.py: the example configuration as installed.

Usage: install-config.py IN OUT DATADIR STATEDIR

The repository's parkshare.conf runs the daemon from the source tree
(data_dir data, web_root client/web, ...). The installed copy points the
same keys at the installed pages and calendars (DATADIR/web,
DATADIR/calendars) and at the state directory (STATEDIR), leaves the demo
city out, and spells the "Default:" lines with the real paths.
"""

import sys

PLACEHOLDER_NOTE = ("# <datadir> and <statedir> stand for", "# the prefix /usr, /usr/share/parkshare")


def main():
    source, target, datadir, statedir = sys.argv[1:5]
    replacements = {
        "data_dir": f"data_dir {statedir}",
        "web_root": f"web_root {datadir}/web",
        "calendar_dir": f"calendar_dir {datadir}/calendars",
        # The demo file is not installed: an operator's city starts empty.
        "demo": '# demo ""',
    }
    seen = set()
    lines = []
    with open(source, encoding="utf-8") as config:
        for line in config.read().splitlines():
            # The note on the placeholders: the installed copy has none left.
            if line.startswith(PLACEHOLDER_NOTE):
                continue
            key = line.split(" ", 1)[0]
            if key in replacements and not line.startswith("#"):
                line = replacements[key]
                seen.add(key)
            line = line.replace("<datadir>", datadir).replace("<statedir>", statedir)
            lines.append(line)
    missing = sorted(set(replacements) - seen)
    if missing:
        sys.exit(f"install-config.py: {source} no longer sets {', '.join(missing)}")
    with open(target, "w", encoding="utf-8") as config:
        config.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

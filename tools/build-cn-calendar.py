#!/usr/bin/env python3
"""build-cn-calendar.py: build config/calendars/cn.json (the native calendar
form) from the holiday-cn year files in tests/data/holiday-cn/ (facts from
the State Council's notices, MIT licence, see that folder's LICENSE).

    tools/build-cn-calendar.py [SOURCE_DIR] [OUTPUT]
"""
import glob
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests", "data", "holiday-cn")
    output = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "config", "calendars", "cn.json")
    days = []
    for path in sorted(glob.glob(os.path.join(source, "[0-9][0-9][0-9][0-9].json"))):
        with open(path, encoding="utf-8") as year_file:
            year = json.load(year_file)
        for day in year["days"]:
            # A year's holiday may start in the last days of the year before
            # (New Year 2007 began on 2006-12-30).
            days.append({"date": day["date"],
                         "kind": "holiday" if day["isOffDay"] else "workday",
                         "name": day["name"] if day["isOffDay"] else day["name"] + "补班"})
    days.sort(key=lambda day: day["date"])
    dates = [day["date"] for day in days]
    if len(dates) != len(set(dates)):
        sys.exit("a date appears twice")
    os.makedirs(os.path.dirname(output), exist_ok=True)
    with open(output, "w", encoding="utf-8") as out:
        json.dump({"timezone": "Asia/Shanghai", "days": days}, out, ensure_ascii=False, indent=1)
        out.write("\n")
    print(f"{output}: {len(days)} days from {dates[0]} to {dates[-1]}")


if __name__ == "__main__":
    main()

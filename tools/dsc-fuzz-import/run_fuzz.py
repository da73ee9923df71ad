#!/usr/bin/env python3
"""Runs dsc-fuzz-import for a fixed time and summarizes it (`make fuzz`).

    python tools/dsc-fuzz-import/run_fuzz.py FUZZER --corpus DIR --seeds DIR
        [--dict FILE] [--artifacts DIR] [--seconds N] [--max-len N] [--log FILE]

New inputs that add coverage go to --corpus (kept between runs); --seeds is
read only. Prints libFuzzer's progress lines, then the executions, executions
per second, coverage (edges and features), corpus size and whether it
crashed; a crash, timeout or out-of-memory report leaves its reproducer under
--artifacts (rerun it with `FUZZER FILE`) and makes the exit status 1.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

STATUS_RE = re.compile(r"^#(\d+)\s+(INITED|pulse|DONE|RELOAD)\s+cov: (\d+) ft: (\d+) "
                       r"corp: (\d+)/(\S+)")
STAT_RE = re.compile(r"^stat::(\w+):\s+(\d+)")
ARTIFACT_RE = re.compile(r"Test unit written to (\S+)")
REPORT_RE = re.compile(r"ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer|UndefinedBehavior"
                       r"Sanitizer)|^==\d+== ERROR|Assertion .* failed|LLVM ERROR|"
                       r"terminate called")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("fuzzer", type=Path)
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--seeds", type=Path, required=True)
    ap.add_argument("--dict", type=Path)
    ap.add_argument("--artifacts", type=Path, default=Path("fuzz-artifacts"))
    ap.add_argument("--seconds", type=int, default=300)
    ap.add_argument("--max-len", type=int, default=65536)
    ap.add_argument("--rss-limit-mb", type=int, default=4096)
    ap.add_argument("--timeout", type=int, default=30, help="seconds per input")
    ap.add_argument("--log", type=Path)
    args = ap.parse_args()

    args.corpus.mkdir(parents=True, exist_ok=True)
    args.artifacts.mkdir(parents=True, exist_ok=True)
    log_path = args.log or args.artifacts.parent / "fuzz.log"
    cmd = [str(args.fuzzer), str(args.corpus), str(args.seeds),
           f"-max_total_time={args.seconds}", f"-max_len={args.max_len}",
           f"-rss_limit_mb={args.rss_limit_mb}", f"-timeout={args.timeout}",
           f"-artifact_prefix={args.artifacts}/", "-print_final_stats=1"]
    if args.dict:
        cmd.append(f"-dict={args.dict}")
    print("fuzz:", " ".join(cmd), flush=True)

    status = None
    stats: dict[str, int] = {}
    artifact = None
    report: list[str] = []
    t0 = time.monotonic()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, errors="replace")
        assert proc.stdout is not None
        for line in proc.stdout:
            log.write(line)
            line = line.rstrip("\n")
            if m := STATUS_RE.match(line):
                status = m
                if m.group(2) != "RELOAD":
                    print(f"fuzz: {time.monotonic() - t0:6.0f} s  {line}", flush=True)
            elif m := STAT_RE.match(line):
                stats[m.group(1)] = int(m.group(2))
            elif m := ARTIFACT_RE.search(line):
                artifact = m.group(1)
            if REPORT_RE.search(line) or (report and len(report) < 40 and line.strip()
                                           and not line.startswith(("#", "INFO", "MS:"))):
                report.append(line)
        rc = proc.wait()
    wall = time.monotonic() - t0

    runs = stats.get("number_of_executed_units", int(status.group(1)) if status else 0)
    print("fuzz: ---- summary ----")
    print(f"fuzz: ran {wall:.0f} s, {runs} executions, "
          f"{runs / wall if wall else 0:.0f} exec/s "
          f"(libFuzzer's average {stats.get('average_exec_per_sec', 0)} exec/s)")
    if status:
        print(f"fuzz: coverage {status.group(3)} edges, {status.group(4)} features; "
              f"corpus {status.group(5)} inputs ({status.group(6)}) in {args.corpus}")
    print(f"fuzz: peak RSS {stats.get('peak_rss_mb', '?')} MB, log {log_path}")
    if rc == 0 and artifact is None:
        print("fuzz: no crash")
        return 0
    print(f"fuzz: CRASHED (exit status {rc})")
    for line in report[:40]:
        print(f"fuzz:   {line}")
    if artifact:
        print(f"fuzz: reproducer {artifact}; rerun with: {args.fuzzer} {artifact}")
    return 1


if __name__ == "__main__":
    sys.exit(main())

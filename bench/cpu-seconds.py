#!/usr/bin/env python3
"""Runs a command (its output discarded) and prints "WALL CLIENT SERVER" in seconds: the wall time,
the CPU time (user + sys) of the command and every process it started, and the CPU time of the
PostgreSQL backends whose process title names a database matching DB_REGEX (with their parallel
workers and autovacuum workers), sampled every 0.1 s: what a restore costs on both sides, steadier
than wall time on a shared machine. Server processes of no database (checkpointer, WAL writer) are
not counted.

    bench/cpu-seconds.py DB_REGEX COMMAND [ARG...]
"""
import os
import re
import subprocess
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")


def processes():
    """pid -> (title, parent pid, CPU ticks)"""
    found = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                title = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        found[pid] = (title, fields[1], int(fields[11]) + int(fields[12]))
    return found


def main():
    database = re.compile(r"^postgres: .*\b(" + sys.argv[1] + r")\b")
    started = time.monotonic()
    child = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    mine, backends, ticks = {str(child.pid)}, set(), {}
    while True:
        done = child.poll() is not None
        seen = processes()
        for _ in range(8):  # the command's descendants (before they are reparented, e.g. a daemon)
            mine |= {p for p, (_, parent, _) in seen.items() if parent in mine}
        for pid, (title, _, t) in seen.items():
            if database.search(title):
                backends.add(pid)
        for pid, (title, _, t) in seen.items():
            leader = re.search(r"parallel worker for PID (\d+)", title)
            if pid in backends or leader and leader.group(1) in backends:
                ticks[pid] = max(t, ticks.get(pid, 0))
        if done:
            break
        time.sleep(0.1)
    wall = time.monotonic() - started
    usage = os.times()
    client = usage.children_user + usage.children_system
    print(f"{wall:.2f} {client:.2f} {sum(ticks.values()) / HZ:.2f}")
    sys.exit(child.returncode)


main()

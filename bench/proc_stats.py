"""Runs one command and reports what it cost, measured the same way for every tool bench/cli-list.ts compares.

Usage: proc_stats.py STDOUT_FILE STDERR_FILE CMD [ARG...]

Forks, execs CMD with stdout and stderr sent to the two files, waits with wait4 and prints one JSON line:
{"wall_ms", "cpu_ms", "max_rss_kib", "status"}. wall_ms runs from just before the fork to the end of the wait
(the whole process: start, work, exit); max_rss_kib and cpu_ms (user + system) are the kernel's rusage of that
one child, so the peak resident set is exact, not sampled. The wrapper's own start is not counted.
"""
import json
import os
import sys
import time


def main():
    out_path, err_path, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # child
        try:
            out = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            err = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(out, 1)
            os.dup2(err, 2)
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall_ms = (time.perf_counter() - start) * 1000
    print(
        json.dumps(
            {
                "wall_ms": round(wall_ms, 2),
                "cpu_ms": round((usage.ru_utime + usage.ru_stime) * 1000, 1),
                "max_rss_kib": usage.ru_maxrss,
                "status": os.waitstatus_to_exitcode(status),
            }
        )
    )


if __name__ == "__main__":
    main()

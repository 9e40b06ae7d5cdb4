"""A short, honest description of the machine a benchmark ran on."""
from __future__ import annotations

import os
import platform
import sqlite3
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gb() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    return "unknown"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def describe() -> dict[str, str]:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": f"{_cpu_model()}, {usable} usable core(s) of {os.cpu_count()}",
        "memory": _memory_gb(),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "load average (1/5/15 min) when written": " / ".join(f"{x:.1f}" for x in os.getloadavg()),
        "libraries": ", ".join(f"{p} {_version(p)}" for p in
                               ("pandas", "numpy", "pyarrow", "SQLAlchemy", "sqlmodel", "streamlit", "altair",
                                "pyproj")) + f", SQLite {sqlite3.sqlite_version}",
    }

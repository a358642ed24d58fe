"""``python -m bench`` (``make bench``): see bench/__init__.py."""

from __future__ import annotations

import argparse
import sys

from .harness import Options, run


def main(argv: list[str] | None = None) -> int:
    defaults = Options()
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Requests per second of the intranet's pages against its bare route."
    )
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL database to hold the data in two schemas of this run, dropped after it (e.g. postgresql+psycopg://postgres@127.0.0.1/bench); default: SQLite files in bench/output/",
    )
    parser.add_argument(
        "--quick", action="store_true", help="short runs (1 s of load, 10 samples per page) to try the harness"
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="measure only this scenario (repeatable); the bare route is always measured",
    )
    parser.add_argument(
        "--seconds", type=float, default=defaults.seconds, help="seconds of load per page (default %(default)s)"
    )
    parser.add_argument(
        "--samples",
        type=int,
        default=defaults.samples,
        help="single timed requests per page and size (default %(default)s)",
    )
    parser.add_argument(
        "--connections",
        type=int,
        default=defaults.connections,
        help="concurrent connections of the load (default %(default)s)",
    )
    parser.add_argument(
        "--workers", type=int, default=defaults.workers, help="gunicorn workers (default %(default)s: half the cores)"
    )
    parser.add_argument(
        "--loader",
        choices=["auto", "wrk", "python"],
        default=defaults.loader,
        help="load generator (default: wrk if installed)",
    )
    options = vars(parser.parse_args(argv))  # each option but --quick is a field of Options
    if options.pop("quick"):
        options.update(seconds=1.0, samples=10)
    return run(Options(**options))


if __name__ == "__main__":
    sys.exit(main())

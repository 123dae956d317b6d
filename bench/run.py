"""Run Tillit's benchmarks and print their figures: `make bench`, or `bench/run.py [NAME ...]`.

Every bench/*.py other than the helpers (harness.py, loadgen.py and this file) is a
benchmark, named by its file name without `.py` and without a `bench_` prefix:
bench/bench_pages.py is `pages`, bench/dialogue.py is `dialogue`. It has a module
docstring (what it measures) and a `run()` that returns a dict; the runner calls them
in the order of their file names, prints each result as a readable block and then
one JSON line, `{"benchmark": "<name>", "ok": true, ...}`. See bench/README.md.
"""

from __future__ import annotations

import argparse
import importlib
import json
import signal
import sys
import time
import traceback
from pathlib import Path

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from harness import BenchError, use_benchmark  # noqa: E402  (needs the path above)

HELPERS = {"harness", "loadgen", "run"}  # bench/*.py that are not benchmarks


def discover() -> dict[str, Path]:
    """Benchmark name → file, in file-name order."""
    return {
        path.stem.removeprefix("bench_"): path
        for path in sorted(BENCH.glob("*.py"))
        if path.stem not in HELPERS and not path.stem.startswith("_")
    }


def format_value(value: object) -> str:
    if isinstance(value, float):
        if abs(value) < 1:
            return f"{value:.3f}"
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.1f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def print_pairs(pairs: dict[str, object]) -> None:
    width = max((len(str(key)) for key in pairs), default=0)
    for key, value in pairs.items():
        print(f"  {key!s:<{width}}  {format_value(value)}")


def print_table(rows: list[dict[str, object]]) -> None:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    cells = [[format_value(row.get(column, "")) for column in columns] for row in rows]
    widths = [max(len(column), *(len(line[i]) for line in cells)) for i, column in enumerate(columns)]
    numeric = [all(isinstance(row.get(column), int | float) for row in rows) for column in columns]

    def line(values: list[str]) -> str:
        return "  " + "  ".join(
            value.rjust(width) if right else value.ljust(width)
            for value, width, right in zip(values, widths, numeric, strict=True)
        )

    print(line(columns))
    print("  " + "  ".join("-" * width for width in widths))
    for values in cells:
        print(line(values))


def report(name: str, doc: str, result: dict[str, object], seconds: float) -> None:
    title = result.get("title") or (doc.strip().splitlines() or [name])[0]
    print(f"\n== {name}: {title}")
    if isinstance(facts := result.get("facts"), dict) and facts:
        print()
        print_pairs(facts)
    if isinstance(rows := result.get("rows"), list) and rows:
        print()
        print_table(rows)
    if isinstance(figures := result.get("figures"), dict) and figures:
        print()
        print_pairs(figures)
    for warning in result.get("warnings") or []:
        print(f"  warning: {warning}")
    print(f"\n  ({seconds:.1f} s)")


def interrupt_on_sigterm() -> None:
    """Treat SIGTERM like Ctrl-C, so benchmarks stop their servers and drop their databases."""

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def main(argv: list[str] | None = None) -> int:
    interrupt_on_sigterm()
    available = discover()
    parser = argparse.ArgumentParser(description="Run Tillit's benchmarks (bench/*.py).")
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: all): {', '.join(available)}")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and what they measure")
    args = parser.parse_args(argv)

    if args.list:
        for name in available:
            module = importlib.import_module(available[name].stem)
            print(f"{name:<16} {(module.__doc__ or '').strip().splitlines()[0] if module.__doc__ else ''}")
        return 0
    unknown = [name for name in args.names if name not in available]
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(unknown)}. Available: {', '.join(available)}", file=sys.stderr)
        return 2
    selected = args.names or list(available)

    failed = []
    for name in selected:
        started = time.monotonic()
        try:
            module = importlib.import_module(available[name].stem)
            use_benchmark(name)  # its own database, tillit_bench_<name>, unless BENCH_DB_NAME says otherwise
            result = module.run()
        except KeyboardInterrupt:
            print(f"\n{name}: interrupted", file=sys.stderr)
            return 130
        except BenchError as error:
            failed.append(name)
            print(f"\n== {name}: FAILED\n{error}", file=sys.stderr)
            print(json.dumps({"benchmark": name, "ok": False, "error": str(error)[:2000]}), flush=True)
            continue
        except Exception as error:
            failed.append(name)
            traceback.print_exc()
            print(json.dumps({"benchmark": name, "ok": False, "error": repr(error)[:2000]}), flush=True)
            continue
        seconds = time.monotonic() - started
        report(name, module.__doc__ or "", result, seconds)
        print(json.dumps({"benchmark": name, "ok": True, "seconds": round(seconds, 1), **result}), flush=True)
    if failed:
        print(f"\nFailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A small closed-loop HTTP/1.1 load generator, standard library only.

`concurrency` connections each send one GET, wait for the whole response, and
send the next, for `warmup` seconds (not recorded) and then `duration` seconds
(recorded). It never sends more than `max_requests` requests in all, and the
whole run is bounded by a hard deadline, so it always stops by itself.

Connections are kept alive when the server allows it. Gunicorn's default
(sync) worker answers every request with `Connection: close`, so the client
then opens a new connection for the next request; the connect time is part of
that request's latency, as it is for any client of such a server.

Only loopback addresses are accepted. Run it on its own:

    .venv/bin/python bench/loadgen.py http://127.0.0.1:8000/bare/ --duration 5

It prints one JSON object: count, errors, statuses, throughput (requests per
second) and latency percentiles in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import resource
import sys
from dataclasses import dataclass, field
from urllib.parse import urlsplit

READ_LIMIT = 1 << 20  # longest header block accepted
REQUEST_TIMEOUT = 10.0  # seconds before one request counts as an error


@dataclass
class Target:
    host: str
    port: int
    path: str
    request: bytes


@dataclass
class Tally:
    """What the connections record; shared by every connection of one run."""

    measure_start: float
    measure_end: float
    max_requests: int
    sent: int = 0
    latencies: list[float] = field(default_factory=list)  # seconds, 200s in the measured window
    errors: int = 0  # non-200 answers and failed requests in the measured window
    statuses: dict[str, int] = field(default_factory=dict)
    warmup_requests: int = 0
    cap_reached_at: float | None = None


class ProtocolError(Exception):
    pass


def loopback_only(host: str) -> None:
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise SystemExit(f"loadgen: refusing to load {host}: only loopback addresses (127.0.0.1, ::1, localhost)")


def make_target(url: str, headers: list[str]) -> Target:
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise SystemExit(f"loadgen: only plain http:// URLs are supported, not {url!r}")
    loopback_only(parts.hostname)
    port = parts.port or 80
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {parts.hostname}:{port}",
        "User-Agent: tillit-bench-loadgen",
        "Accept: text/html,*/*",
        "Accept-Encoding: identity",
        *headers,
    ]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return Target(host=parts.hostname, port=port, path=path, request=request)


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one whole response; return (status, whether the server closes the connection)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status_line = lines[0].split(" ", 2)
    if len(status_line) < 2 or not status_line[0].startswith("HTTP/1."):
        raise ProtocolError(f"bad status line {lines[0]!r}")
    status = int(status_line[1])
    length: int | None = None
    chunked = False
    close = status_line[0] == "HTTP/1.0"
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        value = value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value:
            chunked = True
        elif name == "connection":
            close = "close" in value
    if chunked:
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";", 1)[0].strip(), 16)
            await reader.readexactly(size + 2)  # the chunk and its CRLF
            if size == 0:
                break
    elif length is not None:
        await reader.readexactly(length)
    elif status not in (204, 304) and not 100 <= status < 200:
        await reader.read()  # body runs to the end of the connection
        close = True
    return status, close


async def connection(target: Target, tally: Tally, stop_at: float) -> None:
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    loop = asyncio.get_running_loop()
    try:
        while True:
            started = loop.time()
            if started >= stop_at or tally.sent >= tally.max_requests:
                if tally.sent >= tally.max_requests and tally.cap_reached_at is None:
                    tally.cap_reached_at = started
                return
            tally.sent += 1
            status: int | None = None
            close = True
            try:
                async with asyncio.timeout(REQUEST_TIMEOUT):
                    if writer is None:
                        reader, writer = await asyncio.open_connection(target.host, target.port, limit=READ_LIMIT)
                    assert reader is not None
                    writer.write(target.request)
                    status, close = await read_response(reader)
            except (OSError, TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ProtocolError):
                status = None
            finished = loop.time()
            if close or status is None:
                if writer is not None:
                    writer.close()
                reader = writer = None
            if started < tally.measure_start:
                tally.warmup_requests += 1
            elif finished <= tally.measure_end:
                key = str(status) if status is not None else "failed"
                tally.statuses[key] = tally.statuses.get(key, 0) + 1
                if status == 200:
                    tally.latencies.append(finished - started)
                else:
                    tally.errors += 1
            if status is None:
                await asyncio.sleep(0.05)  # the server refused or vanished: do not spin
    finally:
        if writer is not None:
            writer.close()


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not ordered:
        return 0.0
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


async def run_load(
    url: str,
    *,
    headers: list[str] | None = None,
    concurrency: int = 16,
    warmup: float = 2.0,
    duration: float = 10.0,
    max_requests: int = 500_000,
) -> dict[str, object]:
    target = make_target(url, headers or [])
    loop = asyncio.get_running_loop()
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    begin = loop.time()
    tally = Tally(measure_start=begin + warmup, measure_end=begin + warmup + duration, max_requests=max_requests)
    tasks = [asyncio.create_task(connection(target, tally, tally.measure_end)) for _ in range(concurrency)]
    try:
        # Hard deadline: the last requests may take up to REQUEST_TIMEOUT to give up.
        async with asyncio.timeout(warmup + duration + REQUEST_TIMEOUT + 5):
            await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    window_end = min(tally.measure_end, tally.cap_reached_at or tally.measure_end)
    measured = max(window_end - tally.measure_start, 1e-9)
    ordered = sorted(tally.latencies)
    count = len(ordered) + tally.errors
    cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)

    def ms(value: float) -> float:
        return round(value * 1000, 3)

    return {
        "url": url,
        "concurrency": concurrency,
        "warmup_s": warmup,
        "duration_s": round(measured, 3),
        "requests": count,
        "ok": len(ordered),
        "errors": tally.errors,
        "statuses": tally.statuses,
        "warmup_requests": tally.warmup_requests,
        "cap_reached": tally.cap_reached_at is not None,
        "throughput_rps": round(len(ordered) / measured, 1),
        "mean_ms": ms(sum(ordered) / len(ordered)) if ordered else 0.0,
        "median_ms": ms(percentile(ordered, 0.50)),
        "p95_ms": ms(percentile(ordered, 0.95)),
        "p99_ms": ms(percentile(ordered, 0.99)),
        "max_ms": ms(ordered[-1]) if ordered else 0.0,
        "loadgen_cpu_percent": round(100 * cpu / (loop.time() - begin), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Closed-loop HTTP/1.1 load on a loopback URL; prints one JSON object.")
    parser.add_argument("url")
    parser.add_argument("--header", "-H", action="append", default=[], help="extra request header, 'Name: value'")
    parser.add_argument("--concurrency", "-c", type=int, default=int(os.environ.get("BENCH_CONCURRENCY", "16")))
    parser.add_argument("--warmup", type=float, default=float(os.environ.get("BENCH_WARMUP", "2")))
    parser.add_argument("--duration", "-d", type=float, default=float(os.environ.get("BENCH_DURATION", "10")))
    parser.add_argument(
        "--max-requests", type=int, default=int(os.environ.get("BENCH_MAX_REQUESTS", "500000")), help="hard cap"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.concurrency <= 1024:
        parser.error("concurrency must be between 1 and 1024")
    if not (0 <= args.warmup <= 600 and 0 < args.duration <= 600):
        parser.error("warm-up must be 0–600 s and duration 0–600 s")
    for header in args.header:
        if ":" not in header or "\r" in header or "\n" in header:
            parser.error(f"bad header {header!r}")
    try:
        result = asyncio.run(
            run_load(
                args.url,
                headers=args.header,
                concurrency=args.concurrency,
                warmup=args.warmup,
                duration=args.duration,
                max_requests=args.max_requests,
            )
        )
    except KeyboardInterrupt:
        return 130
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The lookup poller of the import benchmark (Benchmarks/import.sh).

    poll_lookup.py addresses --pfx2as FILE [--rir DIR] --out FILE
        addresses inside the data's prefixes and ranges, one a line (deterministic sample)
    poll_lookup.py poll --url BASE --addresses FILE --out RECORDS [--rate 20] [--pid PID]
        GET /api/v1/lookup?q=ADDRESS at a fixed rate until SIGTERM/SIGINT, one JSON line per
        request: {"t": the time it was due, "wait": s before it could be sent, "latency": s from
        sending to the whole answer, "status": HTTP status or null, "error": text,
        "datasets": {kind: id}}; with --pid, also the process's VmRSS every 0.25 s:
        {"t": time, "rss_kib": N}
    poll_lookup.py report --records RECORDS --events EVENTS
        Markdown tables from the records and the imports' events (JSON lines written by
        import.sh: label, kind, files, lines, start, writing, end, id, entries, skipped,
        rebuild_ms)

Requests are due on a schedule (t0 + i / rate) and sent by WORKERS workers, each with its own
keep-alive connection (http.client), so one slow answer does not delay the next requests. When
every connection is busy, requests wait; the report counts a request's time from when it was due
(wait + latency), so a stalled server is not measured only by the few requests it let through.
A request waits at most 30 s for its answer. Times are wall-clock seconds (time.time()), as
`$EPOCHREALTIME` in bash.
Stdlib only.
"""
from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import os
import queue
import random
import signal
import sys
import threading
import time
import urllib.parse

WORKERS = 32
TIMEOUT = 30.0


# --- addresses ------------------------------------------------------------------------------

def sample_addresses(pfx2as: str, rir_dir: str | None, count: int = 400, seed: int = 1) -> list[str]:
    """Addresses just inside sampled prefixes of the routing file (and ranges of the RIR files)."""
    rng = random.Random(seed)
    with open(pfx2as, encoding="ascii") as f:
        lines = f.readlines()
    picked = []
    for line in rng.sample(lines, min(count, len(lines))):
        network, length, _ = line.split("\t")
        net = ipaddress.ip_network(f"{network}/{length}")
        picked.append(str(net.network_address + min(1, net.num_addresses - 1)))
    if rir_dir:
        for name in sorted(os.listdir(rir_dir)):
            with open(os.path.join(rir_dir, name), encoding="ascii") as f:
                records = [line.split("|") for line in f if line.count("|") >= 7]
            usable = [r for r in records if r[2] in ("ipv4", "ipv6") and r[6] in ("allocated", "assigned")]
            for r in rng.sample(usable, min(count // 10, len(usable))):
                try:
                    picked.append(str(ipaddress.ip_address(r[3]) + 1))
                except ValueError:
                    continue
    rng.shuffle(picked)
    return picked


# --- polling --------------------------------------------------------------------------------

class Poller:
    def __init__(self, base_url: str, addresses: list[str], out, rate: float, pid: int | None):
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.addresses = addresses
        self.out = out
        self.rate = rate
        self.pid = pid
        self.jobs: queue.Queue = queue.Queue()
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    def write(self, record: dict) -> None:
        line = json.dumps(record, separators=(",", ":"))
        with self.lock:
            self.out.write(line + "\n")
            self.out.flush()

    def worker(self) -> None:
        connection = None
        while True:
            job = self.jobs.get()
            if job is None:
                return
            scheduled, address = job
            if self.stopping.is_set():
                continue                               # requests still queued at the end are dropped
            if connection is None:
                connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
            record = {"t": scheduled, "wait": round(max(0.0, time.time() - scheduled), 6), "q": address, "status": None}
            start = time.perf_counter()
            try:
                connection.request("GET", "/api/v1/lookup?q=" + urllib.parse.quote(address),
                                   headers={"Accept": "application/json"})
                response = connection.getresponse()
                body = response.read()
                record["status"] = response.status
                if response.status == 200:
                    answer = json.loads(body)
                    record["datasets"] = {d.get("kind"): d.get("id") for d in answer.get("datasets") or []}
                else:
                    record["error"] = body[:200].decode("utf-8", "replace")
            except Exception as error:              # a failed request is a result too
                record["error"] = f"{type(error).__name__}: {error}"
                connection.close()
                connection = None
            record["latency"] = round(time.perf_counter() - start, 6)
            self.write(record)

    def rss_sampler(self) -> None:
        while not self.stopping.wait(0.25):
            try:
                with open(f"/proc/{self.pid}/status") as status:
                    for line in status:
                        if line.startswith("VmRSS:"):
                            self.write({"t": time.time(), "rss_kib": int(line.split()[1])})
            except OSError:
                return

    def run(self) -> None:
        workers = [threading.Thread(target=self.worker, daemon=True) for _ in range(WORKERS)]
        for thread in workers:
            thread.start()
        if self.pid:
            threading.Thread(target=self.rss_sampler, daemon=True).start()
        t0 = time.time()
        i = 0
        while not self.stopping.is_set():
            scheduled = t0 + i / self.rate
            delay = scheduled - time.time()
            if delay > 0 and self.stopping.wait(delay):
                break
            self.jobs.put((scheduled, self.addresses[i % len(self.addresses)]))
            i += 1
        for _ in workers:
            self.jobs.put(None)
        for thread in workers:
            thread.join(TIMEOUT + 1)


# --- report ---------------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))]


def ms(seconds: float) -> str:
    return "–" if seconds != seconds else f"{seconds * 1000:.0f} ms"


def report(records_path: str, events_path: str) -> None:
    lookups, rss = [], []
    with open(records_path) as f:
        for line in f:
            try:
                record = json.loads(line)
            except ValueError:
                continue                               # the last line of a killed poller
            (rss if "rss_kib" in record else lookups).append(record)
    with open(events_path) as f:
        events = [json.loads(line) for line in f if line.strip()]

    print("| import | files | lines | entries (skipped lines) | command | reading | writing | "
          "tables rebuilt in (server) | answers name it, after the command's exit |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for e in events:
        named = [r["t"] + r["wait"] + r["latency"] for r in lookups
                 if r["t"] >= e["start"] and (r.get("datasets") or {}).get(e["kind"]) == e["id"]]
        first = min(named) - e["end"] if named else None
        when = "never (while polled)" if first is None else f"{first:.2f} s"
        rebuild = ", ".join(f"{v} ms" for v in e.get("rebuild_ms") or []) or "–"
        if e["writing"] < e["end"]:
            reading, writing = f"{e['writing'] - e['start']:.1f} s", f"{e['end'] - e['writing']:.1f} s"
        else:                                          # no "Writing the ... dataset" line
            reading = writing = "–"
        print(f"| {e['label']} | {e['files']} | {e['lines']:,} | {e['entries']:,} ({e['skipped']}) "
              f"| {e['end'] - e['start']:.1f} s | {reading} | {writing} "
              f"| {rebuild} | {when} |")

    print()
    print("| lookups (GET /api/v1/lookup, 20/s; time from when each was due) | requests | failed | p50 | p99 | max | over 50 ms |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    windows = [("before the imports", float("-inf"), events[0]["start"] if events else float("inf"))]
    for e in events:
        windows.append((f"{e['label']}: from its start until {e['settled'] - e['end']:.0f} s after its exit",
                        e["start"], e["settled"]))
    windows.append(("all", float("-inf"), float("inf")))
    for label, start, end in windows:
        inside = [r for r in lookups if start <= r["t"] < end]
        failed = [r for r in inside if r.get("status") != 200]
        latencies = [r["wait"] + r["latency"] for r in inside]
        print(f"| {label} | {len(inside)} | {len(failed)} | {ms(percentile(latencies, 50))} "
              f"| {ms(percentile(latencies, 99))} | {ms(max(latencies) if latencies else float('nan'))} "
              f"| {sum(1 for v in latencies if v > 0.05)} |")
    late = [r["wait"] for r in lookups]
    if late and max(late) > 0.5:
        print(f"\n(requests waited up to {max(late):.1f} s to be sent: all {WORKERS} connections were busy)")
    errors = sorted({r.get("error", f"HTTP {r.get('status')}") for r in lookups if r.get("status") != 200})
    for error in errors[:5]:
        print(f"\nfailure: {error}")

    print()
    print("| server VmRSS | MiB |")
    print("| --- | --- |")
    if rss:
        def mib(kib):
            return f"{kib / 1024:.0f}"
        first_start = events[0]["start"] if events else float("inf")
        before = [r["rss_kib"] for r in rss if r["t"] < first_start]
        print(f"| before the imports | {mib(before[-1]) if before else '–'} |")
        for e in events:
            during = [r["rss_kib"] for r in rss if e["start"] <= r["t"] < e["settled"]]
            print(f"| {e['label']}: highest, from its start until {e['settled'] - e['end']:.0f} s after its exit "
                  f"| {mib(max(during)) if during else '–'} |")
        print(f"| after the imports (last sample) | {mib(rss[-1]['rss_kib'])} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    a = commands.add_parser("addresses")
    a.add_argument("--pfx2as", required=True)
    a.add_argument("--rir")
    a.add_argument("--out", required=True)
    p = commands.add_parser("poll")
    p.add_argument("--url", required=True)
    p.add_argument("--addresses", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--rate", type=float, default=20.0)
    p.add_argument("--pid", type=int)
    r = commands.add_parser("report")
    r.add_argument("--records", required=True)
    r.add_argument("--events", required=True)
    args = parser.parse_args()

    if args.command == "addresses":
        with open(args.out, "w") as out:
            out.write("\n".join(sample_addresses(args.pfx2as, args.rir)) + "\n")
    elif args.command == "poll":
        with open(args.addresses) as f:
            addresses = [line.strip() for line in f if line.strip()]
        with open(args.out, "a") as out:
            poller = Poller(args.url, addresses, out, args.rate, args.pid)
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: poller.stopping.set())
            poller.run()
    else:
        report(args.records, args.events)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""An abuse report in Renkei's `generic-csv` feed format, for the abuse-handling benchmark
against IntelMQ (Benchmarks/abuse_peer_intelmq.sh).

    gen_abuse_events.py --out events.csv [--events 1000000] [--seed 1] [--start 2026-12-06T00:00:00Z]

Header `time,ip,port,type,fqdn,url`, then one event a line, times non-decreasing (about 11.6
events a second: 1,000,000 events span about 24 hours). About 5% IPv6; about 40% of the
addresses lie in the demo teams' constituencies, the rest in public space of the five RIRs.
`fqdn` and `url` are filled for phishing only. About 30% of the rows repeat the (ip, port, type,
fqdn, url) of an event of the last few hours, as a sensor that reports the same host again does;
the other rows are new events (which may still collide now and then on an open-service port).

Stdlib only, integer arithmetic on one random.Random(seed): the same arguments give the same
bytes. `--out -` writes to stdout.
"""
from __future__ import annotations

import argparse
import bisect
import calendar
import ipaddress
import random
import sys
import time

CHUNK = 100_000            # rows written (and reported on stderr) at once
REPEAT_SHARE = 0.30        # rows that repeat a recent event
CONSTITUENCY_SHARE = 0.40  # addresses inside the demo teams' constituencies
IPV6_SHARE = 0.05
MEAN_GAP_MS = 86.4         # 86,400 s / 1,000,000 events
POOL_HOURS = 3             # repeats come from the new events of about this many hours

# The demo teams' constituency prefixes, as DemoNetwork.teams() builds them in
# Sources/RenkeiCore/Demo/DemoNetwork.swift (`constituency(...)`: its Allocator hands out /24s
# and aligned /23s of 198.18.0.0/15 in order, three teams also hold a documentation /24, and team
# number i holds 2001:db8:i::/48). Listed here as the /24 blocks of 198.18.0.0/15 in use (by
# index: 198.18.0.0 + index * 256; the gaps are the skipped /24s before an aligned /23); update
# them if that file changes.
DEMO_24_INDEXES = (
    "0-6,8-12,14-26,28-38,40-46,48-52,54-58,60-62,64-70,72-76,78-80,82-84,86-88,90-94,96-98,"
    "100-102,104-110,112-118,120-122,124-130,132-140,142-150,152-154,156-168,170-176,178-186,"
    "188-200,202-204,206-216,218-222,224-228,230-232,234-238,240-260,262-264,266-274,276-278,"
    "280-290,292-294,296-298,300-304,306-308,310-318,320-322,324-328,330-338,340-342,344-348,"
    "350-354,356-358,360-366,368-370")
DEMO_DOCUMENTATION_24S = ("192.0.2.0", "198.51.100.0", "203.0.113.0")
DEMO_TEAMS = 197           # 2001:db8:1::/48 ... 2001:db8:c5::/48

# Public IPv4 space by /8, as the RIRs hand it out: none of these holds private, shared,
# documentation, benchmarking or multicast space (10, 100, 127, 172, 192, 198, 203 are left out).
PUBLIC_8S = [2, 5, 24, 31, 37, 41, 45, 46, 49, 58, 59, 61, 62, 77, 78, 79, *range(80, 96), 102, 103,
             105, 109, 110, 112, 115, 117, 119, 121, 123, 125, 154, 176, 177, 178, 181, 185, 186,
             187, 188, 189, 190, 191, 193, 194, 195, 196, 197, 200, 201, 212, 213, 217]
# Public IPv6: /16s inside the RIRs' /12s (RIPE 2a00, APNIC 2400, ARIN 2600, LACNIC 2800, AFRINIC 2c0f).
PUBLIC_V6_16S = [*range(0x2a00, 0x2a10), *range(0x2400, 0x2410), *range(0x2600, 0x2610), 0x2800, 0x2801, 0x2803, 0x2c0f]

# Classification types with their share of new events and how their port is chosen: the
# source's ephemeral port for attackers (the sensor saw it connect), the service port for
# hosts found open or abused for amplification, 80/443 for phishing pages.
EPHEMERAL = None
TYPES = [
    ("scanner", 34, EPHEMERAL),
    ("infected-system", 22, EPHEMERAL),
    ("open-service", 16, [23, 22, 21, 3389, 445, 5900, 6379, 9200, 27017, 3306, 5432, 161, 1900, 11211, 389,
                          2323, 8080, 8443, 10000, 137, 5060, 502, 47808, 623]),
    ("brute-force", 11, EPHEMERAL),
    ("ddos-amplifier", 8, [53, 123, 161, 1900, 11211, 19, 389, 3702, 5353, 17, 111, 520, 5683, 3283]),
    ("spam", 5, EPHEMERAL),
    ("phishing", 4, [80, 443]),
]
PHISH_LABELS = ["login-verify", "secure-update", "account-check", "webmail-auth", "id-confirm", "billing-review"]
PHISH_BRANDS = ["example-bank", "example-pay", "example-shop", "example-post", "example-cloud", "example-mail"]


def demo_v4_blocks() -> list[int]:
    """The demo constituencies' IPv4 /24s as integers."""
    base = int(ipaddress.IPv4Address("198.18.0.0"))
    blocks = []
    for part in DEMO_24_INDEXES.split(","):
        first, _, last = part.partition("-")
        blocks += [base + (index << 8) for index in range(int(first), int(last or first) + 1)]
    return blocks + [int(ipaddress.IPv4Address(network)) for network in DEMO_DOCUMENTATION_24S]


def v4_text(value: int) -> str:
    return f"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}"


def generate(out, events: int, seed: int, start: int) -> int:
    rng = random.Random(seed)
    rand = rng.random
    getrandbits = rng.getrandbits
    blocks = demo_v4_blocks()
    cumulative, total = [], 0
    for _, share, _ in TYPES:
        total += share
        cumulative.append(total)
    pool_size = max(1, int(POOL_HOURS * 3_600_000 / MEAN_GAP_MS))
    pool: list[str] = []            # ",ip,port,type,fqdn,url" of recent new events: a ring
    pool_next = 0
    clock_ms = start * 1000
    second, stamp = -1, ""
    repeats = 0
    lines = ["time,ip,port,type,fqdn,url"]
    for row in range(1, events + 1):
        clock_ms += int(rand() * 2 * MEAN_GAP_MS)
        if clock_ms // 1000 != second:    # one strftime a second, not one a row
            second = clock_ms // 1000
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second))
        if pool and rand() < REPEAT_SHARE:
            tail = pool[int(rand() * len(pool))]
            repeats += 1
        else:
            kind, _, ports = TYPES[bisect.bisect_right(cumulative, rand() * total)]
            inside = rand() < CONSTITUENCY_SHARE
            if rand() < IPV6_SHARE:
                if inside:
                    high = (0x20010DB8 << 32) | ((1 + int(rand() * DEMO_TEAMS)) << 16) | getrandbits(16)
                else:
                    high = (PUBLIC_V6_16S[int(rand() * len(PUBLIC_V6_16S))] << 48) | getrandbits(48)
                ip = ipaddress.IPv6Address((high << 64) | getrandbits(64) | 1).compressed
            elif inside:
                ip = v4_text(blocks[int(rand() * len(blocks))] + 1 + int(rand() * 254))
            else:
                ip = v4_text((PUBLIC_8S[int(rand() * len(PUBLIC_8S))] << 24) | (getrandbits(16) << 8) | (1 + int(rand() * 254)))
            port = 1024 + int(rand() * 64512) if ports is EPHEMERAL else ports[int(rand() * len(ports))]
            if kind == "phishing":
                fqdn = f"{PHISH_LABELS[int(rand() * len(PHISH_LABELS))]}.{PHISH_BRANDS[int(rand() * len(PHISH_BRANDS))]}.test"
                url = f"{'https' if port == 443 else 'http'}://{fqdn}/x/{1 + int(rand() * 99_999)}"
            else:
                fqdn = url = ""
            tail = f",{ip},{port},{kind},{fqdn},{url}"
            if len(pool) < pool_size:
                pool.append(tail)
            else:
                pool[pool_next] = tail
                pool_next = (pool_next + 1) % pool_size
        lines.append(stamp + tail)
        if row % CHUNK == 0:
            out.write("\n".join(lines) + "\n")
            lines = []
            print(f"{row:,} events ({repeats:,} repeats), up to {stamp}", file=sys.stderr)
    if lines:
        out.write("\n".join(lines) + "\n")
    print(f"{events:,} events ({repeats:,} repeats of a recent event), up to {stamp or 'no time'}", file=sys.stderr)
    return repeats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="rows after the header (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="-", help="the file to write (default: stdout)")
    parser.add_argument("--start", default="2026-12-06T00:00:00Z", help="time of the first events (UTC, ISO 8601 with Z)")
    args = parser.parse_args()
    start = calendar.timegm(time.strptime(args.start, "%Y-%m-%dT%H:%M:%SZ"))
    if args.out == "-":
        generate(sys.stdout, args.events, args.seed, start)
    else:
        with open(args.out, "w", encoding="ascii", newline="\n") as out:
            generate(out, args.events, args.seed, start)


if __name__ == "__main__":
    main()

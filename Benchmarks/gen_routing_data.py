#!/usr/bin/env python3
"""Routing and registry data at Internet size, for the import benchmark (Benchmarks/import.sh)
and the interop tests of `renkei import` (Tests/interop/test_routing_imports.py).

    gen_routing_data.py pfx2as --table table.csv --out routeviews-pfx2as.txt
    gen_routing_data.py pfx2as --prefixes 100000 --out routes.txt
    gen_routing_data.py rir --out DIR [--lines 500000]

`pfx2as` writes CAIDA's RouteViews prefix-to-AS format (`network<TAB>length<TAB>origin`): every
prefix of a `prefix,team` table (the LPM benchmark's table.csv: 900,000 IPv4 + 150,000 IPv6
prefixes), or N prefixes it makes itself (about 85% IPv4, 15% IPv6, nested as routing tables
are). Most prefixes have one origin AS; about 1% are announced by several (`a_b`) and 0.2% by
an AS set (`a,b`).

`rir` writes the five registries' statistics files in the delegated-extended format
(delegated-afrinic/apnic/arin/lacnic/ripencc-extended-latest): a version line, `*` summary
lines, then asn, ipv4 and ipv6 records of organisations (an opaque id and a country code
plausible for the registry each), allocated or assigned, some available or reserved; IPv4
counts are not always powers of two. No two records overlap. A few deliberately bad lines
per file (BAD_LINES_PER_FILE: an unknown country, a truncated line, an address that is not
one, host bits in an IPv6 prefix, a count that is not a number) make the import skip lines.

Stdlib only. Everything is driven by random.Random(seed): the same arguments give the same
bytes. Importable: write_pfx2as_generated(), pfx2as_lines_from_table(), write_rir().
"""
from __future__ import annotations

import argparse
import bisect
import ipaddress
import os
import random
import sys
import uuid

SEED = 20261205
FILE_DATE = "20261205"

# --- origin AS numbers ------------------------------------------------------------------

# Public AS numbers only: not 0, AS_TRANS (23456), the documentation and private ranges
# (64496-131071), nor anything from 4,200,000,000 (private).
N_ORIGINS = 75_000            # about as many ASes as originate routes in the public table


def _public_asns(rng: random.Random, count: int) -> list[int]:
    chosen: set[int] = set()
    while len(chosen) < count:
        if rng.random() < 0.55:
            asn = rng.randint(1, 64495)
        else:
            asn = rng.randint(131072, 401_999)
        if asn != 23456:
            chosen.add(asn)
    return sorted(chosen)


class Origins:
    """Origin ASes with Zipf-like weights (a few ASes announce thousands of prefixes)."""

    def __init__(self, rng: random.Random, count: int = N_ORIGINS):
        self.asns = _public_asns(rng, count)
        rng.shuffle(self.asns)
        total = 0.0
        self.cumulative = []
        for i in range(len(self.asns)):
            total += 1.0 / (i + 1) ** 0.9
            self.cumulative.append(total)
        self.total = total

    def one(self, rng: random.Random) -> int:
        return self.asns[bisect.bisect_left(self.cumulative, rng.random() * self.total)]

    def field(self, rng: random.Random) -> str:
        """The origin field of one line: mostly one AS, ~1% multi-origin, ~0.2% an AS set."""
        r = rng.random()
        if r < 0.010:
            first = self.one(rng)
            second = self.one(rng)
            while second == first:
                second = self.one(rng)
            return f"{first}_{second}"
        if r < 0.012:
            members = []
            while len(members) < rng.choice((2, 2, 3)):
                asn = self.one(rng)
                if asn not in members:
                    members.append(asn)
            return ",".join(map(str, members))
        return str(self.one(rng))


# --- pfx2as -------------------------------------------------------------------------------

def pfx2as_lines_from_table(table_path: str, seed: int = SEED):
    """Yields one pfx2as line (with newline) per prefix of a `prefix,team` CSV, in its order."""
    rng = random.Random(seed)
    origins = Origins(rng)
    with open(table_path, encoding="ascii") as table:
        header = table.readline().strip()
        if header != "prefix,team":
            raise SystemExit(f"{table_path}: expected the header “prefix,team”, found “{header}”")
        for line in table:
            prefix = line.split(",", 1)[0]
            network, _, length = prefix.partition("/")
            yield f"{network}\t{length}\t{origins.field(rng)}\n"


# IPv4 lengths as in the public table (mostly /24, then /22, /23, /20 ...), IPv6 likewise.
V4_LENGTHS = {8: 2, 10: 4, 12: 30, 13: 60, 14: 120, 15: 200, 16: 1300, 17: 750, 18: 1250,
              19: 2400, 20: 4800, 21: 4200, 22: 11800, 23: 9000, 24: 54000}
V6_LENGTHS = {29: 300, 32: 2500, 36: 600, 40: 1200, 42: 250, 44: 1400, 46: 350, 47: 300, 48: 7500}
V4_RESERVED = [ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
    "224.0.0.0/3")]
V6_BLOCKS = [0x2a00, 0x2400, 0x2600, 0x2800, 0x2c00, 0x2003]    # top 16 bits (RIR blocks)


def _weighted(rng: random.Random, weights: dict[int, int]) -> int:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def generated_prefixes(count: int, seed: int = SEED) -> list[tuple[ipaddress._BaseNetwork, str]]:
    """`count` distinct prefixes (about 15% IPv6), a third of them more-specifics of earlier
    ones, each with its origin field; sorted by family, network and length."""
    rng = random.Random(seed)
    origins = Origins(rng, count=max(100, min(N_ORIGINS, count // 4)))
    seen: set[tuple[int, int, int]] = set()
    chosen: list[tuple[ipaddress._BaseNetwork, str]] = []
    parents: list[ipaddress._BaseNetwork] = []
    reserved = [(int(n.network_address), int(n.netmask)) for n in V4_RESERVED]
    while len(chosen) < count:
        v6 = rng.random() < 0.15
        if parents and rng.random() < 0.33:
            parent = parents[rng.randrange(len(parents))]
            if (parent.version == 6) != v6:
                continue
            lengths = V6_LENGTHS if v6 else V4_LENGTHS
            longer = [length for length in lengths if length > parent.prefixlen]
            if not longer:
                continue
            length = _weighted(rng, {length: lengths[length] for length in longer})
            bits = parent.max_prefixlen
            address = int(parent.network_address) | (rng.getrandbits(length - parent.prefixlen) << (bits - length))
        elif v6:
            length = _weighted(rng, V6_LENGTHS)
            address = (rng.choice(V6_BLOCKS) << 112) | rng.getrandbits(112)
        else:
            length = _weighted(rng, V4_LENGTHS)
            address = rng.getrandbits(32)
            if any(address & mask == net for net, mask in reserved):
                continue
        bits = 128 if v6 else 32
        address &= ((1 << bits) - 1) ^ ((1 << (bits - length)) - 1)
        key = (bits, address, length)
        if key in seen:
            continue
        seen.add(key)
        network = ipaddress.ip_network((address, length))
        chosen.append((network, origins.field(rng)))
        parents.append(network)
    chosen.sort(key=lambda item: (item[0].version, int(item[0].network_address), item[0].prefixlen))
    return chosen


def write_pfx2as_generated(path: str, count: int, seed: int = SEED) -> list[tuple[ipaddress._BaseNetwork, str]]:
    """Writes `count` generated prefixes as a pfx2as file and returns them (network, origin field)."""
    prefixes = generated_prefixes(count, seed)
    with open(path, "w", encoding="ascii", newline="\n") as out:
        for network, origin in prefixes:
            out.write(f"{network.network_address}\t{network.prefixlen}\t{origin}\n")
    return prefixes


# --- RIR delegated-extended -----------------------------------------------------------------

# Each registry: its share of the lines, its IPv4 /8s (roughly the real ones), its IPv6 /12,
# its slots in the 1,024-number AS blocks, the version line's start date and UTC offset, and
# countries with weights (the big ones first).
REGISTRIES = {
    "afrinic": dict(
        share=0.05, v4=[41, 102, 105, 154, 196, 197], v6=0x2c00, start="19970101", offset="+0200",
        countries="ZA:30 NG:10 EG:10 KE:8 MA:6 TZ:4 GH:4 UG:3 DZ:3 TN:3 AO:2 MU:3 SN:2 CM:2 CI:2 ZW:2 "
                  "ZM:2 MZ:2 NA:2 BW:1 RW:2 ET:1 SD:1 LY:1 MG:1 CD:1 BJ:1 BF:1 ML:1 NE:1 SC:1 GA:1 "
                  "SZ:1 LS:1 MW:1 BI:1 CV:1 DJ:1 SO:1 LR:1 SL:1 GM:1 GN:1 TG:1 TD:1 CG:1 GQ:1 ER:1"),
    "apnic": dict(
        share=0.20, v4=[1, 14, 27, 36, 39, 42, 43, 49, 58, 59, 60, 61, 101, 103, 106, 110, 111, 112, 113,
                        114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 175, 180, 182,
                        183, 202, 203, 210, 211, 218, 219, 220, 221, 222, 223],
        v6=0x2400, start="19830613", offset="+1000",
        countries="AU:20 IN:20 CN:15 JP:12 ID:12 BD:8 HK:8 VN:6 SG:6 KR:5 NZ:5 PH:5 TH:4 MY:4 PK:4 "
                  "TW:3 NP:2 LK:2 KH:1 MM:1 MN:1 LA:1 FJ:1 PG:1 BT:1 MV:1 MO:1 BN:1 TL:1 WS:1 TO:1 "
                  "VU:1 SB:1 NC:1 PF:1 GU:1 AF:1 AP:1"),
    "arin": dict(
        share=0.25, v4=[3, 4, 6, 7, 8, 9, 12, 13, 15, 16, 17, 18, 19, 20, 23, 24, 32, 34, 35, 40, 44, 45,
                        47, 48, 50, 52, 54, 55, 56, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75,
                        76, 96, 97, 98, 99, 100, 104, 107, 108, 128, 129, 130, 131, 132, 134, 135, 136,
                        137, 138, 139, 140, 142, 143, 144, 146, 147, 148, 149, 152, 155, 156, 157, 158,
                        159, 160, 161, 162, 164, 165, 166, 167, 168, 169, 170, 172, 173, 174, 184, 192,
                        198, 199, 204, 205, 206, 207, 208, 209, 216],
        v6=0x2600, start="19840101", offset="-0500",
        countries="US:85 CA:10 PR:1 JM:1 BS:1 BB:1 TT:1 KY:1 BM:1 VI:1 AG:1 DM:1 GD:1 KN:1 LC:1 VC:1 AI:1"),
    "lacnic": dict(
        share=0.12, v4=[177, 179, 181, 186, 187, 189, 190, 191, 200, 201],
        v6=0x2800, start="19870101", offset="-0300",
        countries="BR:60 AR:8 MX:7 CL:4 CO:4 PE:2 EC:2 VE:2 UY:1 PY:1 BO:1 CR:1 PA:1 GT:1 HN:1 DO:1 "
                  "SV:1 NI:1 CU:1 HT:1 TT:1 CW:1 SR:1 GY:1 BZ:1"),
    "ripencc": dict(
        share=0.38, v4=[2, 5, 31, 37, 46, 62, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91,
                        92, 93, 94, 95, 109, 141, 145, 151, 176, 178, 185, 188, 193, 194, 195, 212, 213,
                        217],
        v6=0x2a00, start="19830705", offset="+0100",
        countries="DE:14 RU:12 GB:10 NL:7 FR:6 IT:5 PL:6 UA:5 ES:3 SE:3 CH:3 CZ:2 AT:2 RO:3 BG:2 TR:3 "
                  "IR:3 DK:2 NO:2 FI:1 BE:1 HU:1 SK:1 GR:1 PT:1 IE:1 IL:1 SA:1 AE:1 KZ:1 LV:1 LT:1 "
                  "EE:1 SI:1 HR:1 RS:1 BY:1 MD:1 GE:1 AM:1 AZ:1 LU:1 CY:1 IS:1 MT:1 LB:1 JO:1 KW:1 "
                  "IQ:1 QA:1 BH:1 OM:1 SY:1 BA:1 MK:1 AL:1 ME:1 KG:1 TJ:1 UZ:1 TM:1 FO:1 GL:1 LI:1 "
                  "MC:1 SM:1 VA:1 AD:1 GI:1 JE:1 GG:1 IM:1 PS:1 YE:1 EU:1"),
}
REGISTRY_ORDER = ["afrinic", "apnic", "arin", "lacnic", "ripencc"]
# Who gets each block of 1,024 AS numbers (block k belongs to ASN_SLOTS[k % 20]).
ASN_SLOTS = (["ripencc"] * 8 + ["arin"] * 5 + ["apnic"] * 4 + ["lacnic"] * 2 + ["afrinic"])
# What the records of a registry are: AS numbers, IPv4 ranges, IPv6 prefixes.
TYPE_WEIGHTS = {"asn": 30, "ipv4": 45, "ipv6": 25}
# IPv4 counts: powers of two and the ranges between them that registries hand out too.
V4_COUNT_WEIGHTS = {256: 38, 512: 9, 768: 2, 1024: 14, 1280: 1, 1536: 1, 2048: 7, 2560: 1, 3072: 1,
                    4096: 8, 5120: 1, 6144: 1, 8192: 5, 10240: 1, 12288: 1, 16384: 3, 24576: 1,
                    32768: 2, 40960: 1, 65536: 1, 131072: 1}
V6_LENGTH_WEIGHTS = {28: 3, 29: 25, 30: 3, 32: 40, 36: 3, 40: 4, 44: 4, 46: 2, 47: 2, 48: 14}
ASN_COUNT_WEIGHTS = {1: 95, 2: 2, 4: 1, 8: 1, 10: 1}
STATUS_WEIGHTS = {"allocated": 62, "assigned": 31, "available": 5, "reserved": 2}
BAD_LINES_PER_FILE = 5
FILE_NAMES = {name: f"delegated-{name}-extended-latest" for name in REGISTRY_ORDER}


def _parse_countries(text: str) -> tuple[list[str], list[int]]:
    pairs = [item.split(":") for item in text.split()]
    return [code for code, _ in pairs], [int(weight) for _, weight in pairs]


def _opaque_id(registry: str, rng: random.Random) -> str:
    """Organisation handles in each registry's style (they are opaque to readers)."""
    if registry == "ripencc" or registry == "lacnic":
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))
    if registry == "arin":
        return "%032x" % rng.getrandbits(128)
    prefix = {"apnic": "A9", "afrinic": "F3"}[registry]
    return prefix + "%06X" % rng.getrandbits(24)


def _date(rng: random.Random, since: int = 1985) -> str:
    year = rng.choices(range(since, 2027), weights=[1 + (y - since) for y in range(since, 2027)])[0]
    return f"{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"


class _Registry:
    """The cursors of one registry: the next free IPv4 address, IPv6 address and AS number."""

    def __init__(self, name: str, rng: random.Random):
        spec = REGISTRIES[name]
        self.name = name
        self.rng = rng
        self.v4_blocks = list(spec["v4"])
        self.v4_next = self.v4_blocks.pop(0) << 24
        self.v4_end = self.v4_next + (1 << 24)
        self.v6_next = spec["v6"] << 112
        self.v6_end = self.v6_next + (1 << 116)
        self.asn_block = -1
        self.asn_next = self.asn_end = 0
        codes, weights = _parse_countries(spec["countries"])
        # Organisations: a handle and a country each; a few hold many resources.
        self.orgs = [(_opaque_id(name, rng), rng.choices(codes, weights=weights)[0]) for _ in range(20_000)]
        total = 0.0
        self.org_cumulative = []
        for i in range(len(self.orgs)):
            total += 1.0 / (i + 1) ** 0.7
            self.org_cumulative.append(total)
        self.org_total = total

    def org(self) -> tuple[str, str]:
        return self.orgs[bisect.bisect_left(self.org_cumulative, self.rng.random() * self.org_total)]

    def take_v4(self, count: int) -> int | None:
        """The first address of `count` free addresses (aligned as registries align them)."""
        align = min(1 << (count.bit_length() - 1), 1 << 16)
        while True:
            start = -(-self.v4_next // align) * align
            if start + count <= self.v4_end:
                self.v4_next = start + count
                return start
            if not self.v4_blocks:
                return None
            self.v4_next = self.v4_blocks.pop(0) << 24
            self.v4_end = self.v4_next + (1 << 24)

    def take_v6(self, length: int) -> int | None:
        size = 1 << (128 - length)
        start = -(-self.v6_next // size) * size
        if start + size > self.v6_end:
            return None
        self.v6_next = start + size
        return start

    def take_asn(self, count: int) -> int | None:
        while self.asn_next + count > self.asn_end:
            self.asn_block += 1
            while ASN_SLOTS[self.asn_block % len(ASN_SLOTS)] != self.name:
                self.asn_block += 1
            first = self.asn_block * 1024
            if first < 65536:
                # 16-bit numbers below the documentation/private range, AS_TRANS left out.
                if first >= 64496 - 1024 + 1024:
                    continue
                self.asn_next, self.asn_end = max(first, 1), min(first + 1024, 64496)
                if self.asn_next <= 23456 < self.asn_end:
                    self.asn_end = 23456   # the rest of this block after AS_TRANS is skipped
            else:
                # 32-bit numbers start at 131072 (the registries' ranges), so shift the blocks.
                first = 131072 + (self.asn_block - 64) * 1024
                if first + 1024 > 4_200_000_000:
                    return None
                self.asn_next, self.asn_end = first, first + 1024
        start = self.asn_next
        self.asn_next += count
        return start


def _v4_text(address: int) -> str:
    return str(ipaddress.IPv4Address(address))


def _bad_lines(name: str, rng: random.Random) -> list[str]:
    """Lines a reader must refuse (each for a different reason)."""
    return [
        f"{name}|XX|ipv4|{rng.choice([198, 203])}.{rng.randint(0, 255)}.0.0|256|{_date(rng)}|allocated|{_opaque_id(name, rng)}",
        f"{name}|DE|ipv4|198.18.0.0",
        f"{name}|US|ipv4|203.0.113.999|256|{_date(rng)}|assigned|{_opaque_id(name, rng)}",
        f"{name}|JP|ipv6|2001:db8:90::1|48|{_date(rng)}|allocated|{_opaque_id(name, rng)}",
        f"{name}|BR|asn|64500|many|{_date(rng)}|allocated|{_opaque_id(name, rng)}",
    ][:BAD_LINES_PER_FILE]


def rir_records(name: str, lines: int, seed: int = SEED) -> dict[str, list[tuple[int, str]]]:
    """About `lines` records of one registry by type: (sort key, line)."""
    rng = random.Random(f"{seed}-{name}")
    registry = _Registry(name, rng)
    records: dict[str, list[tuple[int, str]]] = {"asn": [], "ipv4": [], "ipv6": []}
    types, type_weights = list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values())
    v4_counts, v4_weights = list(V4_COUNT_WEIGHTS), list(V4_COUNT_WEIGHTS.values())
    v6_lengths, v6_weights = list(V6_LENGTH_WEIGHTS), list(V6_LENGTH_WEIGHTS.values())
    asn_counts, asn_weights = list(ASN_COUNT_WEIGHTS), list(ASN_COUNT_WEIGHTS.values())
    statuses, status_weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    made = 0
    while made < lines:
        kind = rng.choices(types, weights=type_weights)[0]
        status = rng.choices(statuses, weights=status_weights)[0]
        if kind == "ipv4":
            count = rng.choices(v4_counts, weights=v4_weights)[0]
            start = registry.take_v4(count)
            if start is None:
                start = registry.take_v4(256)
                count = 256
            if start is None:                 # the registry's IPv4 space is used up
                kind, status = "ipv6", status
            else:
                first, value, key = _v4_text(start), count, start
        if kind == "ipv6":
            length = rng.choices(v6_lengths, weights=v6_weights)[0]
            start = registry.take_v6(length)
            if start is None:
                raise SystemExit(f"{name}: its IPv6 block is used up; ask for fewer lines")
            first, value, key = ipaddress.IPv6Address(start).compressed, length, start
        if kind == "asn":
            count = rng.choices(asn_counts, weights=asn_weights)[0]
            start = registry.take_asn(count)
            if start is None:
                raise SystemExit(f"{name}: its AS numbers are used up; ask for fewer lines")
            first, value, key = str(start), count, start
        if status == "available":
            line = f"{name}||{kind}|{first}|{value}||available|"
        elif status == "reserved":
            line = f"{name}|ZZ|{kind}|{first}|{value}|{_date(rng, 2000)}|reserved|{name}"
        else:
            handle, country = registry.org()
            line = f"{name}|{country}|{kind}|{first}|{value}|{_date(rng)}|{status}|{handle}"
        records[kind].append((key, line))
        made += 1
    return records


def write_rir(out_dir: str, total_lines: int = 500_000, seed: int = SEED, bad_lines: bool = True) -> dict:
    """Writes the five files into `out_dir`; returns {file name: {"records", "bad", "path"}}."""
    os.makedirs(out_dir, exist_ok=True)
    written = {}
    for name in REGISTRY_ORDER:
        share = REGISTRIES[name]["share"]
        records = rir_records(name, max(10, round(total_lines * share)), seed)
        rng = random.Random(f"{seed}-{name}-bad")
        bad = _bad_lines(name, rng) if bad_lines else []
        body = []
        for kind in ("asn", "ipv4", "ipv6"):
            body.extend(line for _, line in sorted(records[kind]))
        # The bad lines sit among the others, where a reader meets them mid-file.
        for line in bad:
            body.insert(rng.randrange(1, len(body)), line)
        spec = REGISTRIES[name]
        path = os.path.join(out_dir, FILE_NAMES[name])
        with open(path, "w", encoding="ascii", newline="\n") as out:
            out.write(f"2|{name}|{FILE_DATE}|{len(body)}|{spec['start']}|{FILE_DATE}|{spec['offset']}\n")
            for kind in ("asn", "ipv4", "ipv6"):
                out.write(f"{name}|*|{kind}|*|{len(records[kind])}|summary\n")
            out.write("\n".join(body))
            out.write("\n")
        written[FILE_NAMES[name]] = {"path": path, "records": sum(len(r) for r in records.values()), "bad": len(bad)}
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    routes = commands.add_parser("pfx2as", help="a RouteViews prefix-to-AS file")
    source = routes.add_mutually_exclusive_group(required=True)
    source.add_argument("--table", help="table.csv of the LPM generator (prefix,team): one line per prefix")
    source.add_argument("--prefixes", type=int, help="make this many prefixes instead")
    routes.add_argument("--out", required=True, help="the file to write")
    routes.add_argument("--seed", type=int, default=SEED)
    rir = commands.add_parser("rir", help="the five RIRs' delegated-extended files")
    rir.add_argument("--out", required=True, help="the folder to write them into")
    rir.add_argument("--lines", type=int, default=500_000, help="records in all five files together (default 500,000)")
    rir.add_argument("--seed", type=int, default=SEED)
    rir.add_argument("--no-bad-lines", action="store_true", help="leave out the lines a reader must skip")
    args = parser.parse_args()

    if args.command == "pfx2as":
        if os.path.dirname(args.out):
            os.makedirs(os.path.dirname(args.out), exist_ok=True)
        if args.table:
            count = 0
            with open(args.out, "w", encoding="ascii", newline="\n") as out:
                for line in pfx2as_lines_from_table(args.table, args.seed):
                    out.write(line)
                    count += 1
        else:
            count = len(write_pfx2as_generated(args.out, args.prefixes, args.seed))
        print(f"{args.out}: {count} lines", file=sys.stderr)
    else:
        for name, info in write_rir(args.out, args.lines, args.seed, bad_lines=not args.no_bad_lines).items():
            print(f"{info['path']}: {info['records']} records, {info['bad']} bad lines", file=sys.stderr)


if __name__ == "__main__":
    main()

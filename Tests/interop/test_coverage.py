"""Coverage (`/coverage`, `/coverage.csv`, `/api/v1/coverage`, `renkei coverage`) checked from
the outside.

The figures are recounted here from other public outputs, not from Renkei's code: the teams
from the Global IRT export (`/global-irt/v1/teams.json`: where a team is based, its
`-renkei-team-types` and `-renkei-member-type`), whether a membership ended from the signed
membership statement every team has (`/api/v1/teams/{slug}/membership`), and the UN M49
regions from the table written out below. The map is parsed as XML, the CSV with Python's csv
module.

Everything on the demo server only reads, so the module shares one; the command line gets a
data directory of its own.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
import requests
from conftest import CSRF_PATTERN, RenkeiServer, sign_in_http

SECRETARIAT = ("secretariat@renkei-demo.example", "demo-secretariat-pass")
MEMBER = ("member@renkei-demo.example", "demo-member-pass")
DEPARTED = {"resigned", "terminated"}

# The map's shading, as the page's legend gives it.
FILL = {"national": "#08306b", "members": "#2171b5", "liaisons": "#6baed6", "listed": "#fdd49e", "none": "#d4d4d4"}
SVG = "{http://www.w3.org/2000/svg}"

# UN M49 (unstats.un.org/unsd/methodology/m49), written out independently of the app: region →
# sub-region → ISO 3166-1 alpha-2 codes. The intermediate regions (Eastern Africa, Caribbean,
# South America, ...) are folded into their sub-region, as the coverage tables do. Taiwan, which
# M49 does not list, is in Eastern Asia as usual; Antarctica (AQ) is in no region.
M49 = {
    "Africa": {
        "Northern Africa": "DZ EG EH LY MA SD TN",
        "Sub-Saharan Africa": "BI DJ ER ET IO KE KM MG MU MW MZ RE RW SC SO SS TF TZ UG YT ZM ZW "  # Eastern
                              "AO CD CF CG CM GA GQ ST TD "  # Middle
                              "BW LS NA SZ ZA "  # Southern
                              "BF BJ CI CV GH GM GN GW LR ML MR NE NG SH SL SN TG",  # Western
    },
    "Americas": {
        "Latin America and the Caribbean": "AG AI AW BB BL BQ BS CU CW DM DO GD GP HT JM KN KY LC MF MQ MS PR SX TC TT VC VG VI "  # Caribbean
                                           "BZ CR GT HN MX NI PA SV "  # Central America
                                           "AR BO BR BV CL CO EC FK GF GS GY PE PY SR UY VE",  # South America
        "Northern America": "BM CA GL PM US",
    },
    "Asia": {
        "Central Asia": "KG KZ TJ TM UZ",
        "Eastern Asia": "CN HK JP KP KR MN MO TW",
        "South-eastern Asia": "BN ID KH LA MM MY PH SG TH TL VN",
        "Southern Asia": "AF BD BT IN IR LK MV NP PK",
        "Western Asia": "AE AM AZ BH CY GE IL IQ JO KW LB OM PS QA SA SY TR YE",
    },
    "Europe": {
        "Eastern Europe": "BG BY CZ HU MD PL RO RU SK UA",
        "Northern Europe": "AX DK EE FI FO GB GG IE IM IS JE LT LV NO SE SJ",
        "Southern Europe": "AD AL BA ES GI GR HR IT ME MK MT PT RS SI SM VA",
        "Western Europe": "AT BE CH DE FR LI LU MC NL",
    },
    "Oceania": {
        "Australia and New Zealand": "AU CC CX HM NF NZ",
        "Melanesia": "FJ NC PG SB VU",
        "Micronesia": "FM GU KI MH MP NR PW UM",
        "Polynesia": "AS CK NU PF PN TK TO TV WF WS",
    },
}
REGION_OF = {code: (region, sub) for region, subs in M49.items() for sub, codes in subs.items() for code in codes.split()}
NO_REGION = {"AQ"}

ISO_CODES_JSON = Path("/usr/share/iso-codes/json/iso_3166-1.json")


def test_m49_table_is_complete():
    # Every ISO 3166-1 code once: 249 = 60 Africa + 57 Americas + 51 Asia + 51 Europe + 29 Oceania + AQ.
    listed = [code for subs in M49.values() for codes in subs.values() for code in codes.split()]
    assert len(listed) == len(set(listed)) == 248
    assert {region: sum(len(c.split()) for c in subs.values()) for region, subs in M49.items()} == \
        {"Africa": 60, "Americas": 57, "Asia": 51, "Europe": 51, "Oceania": 29}
    assert set(listed) | NO_REGION == iso_3166_codes()


def iso_3166_codes() -> set[str]:
    """Debian's iso-codes table; the conformance suite's written-out list where it is missing."""
    if ISO_CODES_JSON.is_file():
        return {country["alpha_2"] for country in json.loads(ISO_CODES_JSON.read_text())["3166-1"]}
    from test_global_irt_conformance import ISO_ALPHA2
    return set(ISO_ALPHA2)


# --- what the public outputs say, recounted ---------------------------------------------------

@pytest.fixture(scope="module")
def irt_teams(demo_server) -> list[dict]:
    """Every team of the Global IRT export, 100 a page (its largest page)."""
    teams: list[dict] = []
    while True:
        response = requests.get(demo_server.url("/global-irt/v1/teams.json"), params={"limit": 100, "offset": len(teams)}, timeout=30)
        assert response.status_code == 200, response.text[:500]
        teams += response.json()
        if len(teams) >= int(response.headers["X-Total-Count"]) or not response.json():
            return teams


@pytest.fixture(scope="module")
def statuses(demo_server, irt_teams) -> dict[str, str | None]:
    """Each team's membership status from its public signed statement (None: not a member, 404).
    Neither export says whether a membership ended; the statement (and the team page) does."""
    session = requests.Session()
    found: dict[str, str | None] = {}
    for team in irt_teams:
        slug = team["-renkei-slug"]
        response = session.get(demo_server.url(f"/api/v1/teams/{slug}/membership"), timeout=30)
        assert response.status_code in (200, 404), (slug, response.status_code, response.text[:300])
        found[slug] = response.json()["claims"]["membership"]["status"] if response.status_code == 200 else None
    return found


def based_in(team: dict) -> set[str]:
    return {team["country-code"].upper(), *(code.upper() for code in team.get("additional-country-code", []))}


def recount(teams: list[dict], departed: set[str]) -> dict:
    """The coverage of `teams` by the documented rule, computed here: a current team counts in
    every country it is based in; national if a national team is there, else members (full or
    associate), else liaisons, else listed (no membership), else none."""
    current = [t for t in teams if t["-renkei-slug"] not in departed]
    counts = {code: Counter() for code in iso_3166_codes()}
    for team in current:
        kind = {"Full Member": "memberTeams", "Associate": "memberTeams", "Liaison": "liaisons"}.get(team.get("-renkei-member-type"), "listedTeams")
        for code in based_in(team):
            counts[code][kind] += 1
            counts[code]["nationalTeams"] += "national" in team.get("-renkei-team-types", [])
    countries = {}
    for code, c in counts.items():
        standing = next((s for s, key in (("national", "nationalTeams"), ("members", "memberTeams"), ("liaisons", "liaisons"),
                                          ("listed", "listedTeams")) if c[key]), "none")
        countries[code] = {"standing": standing, **{k: c[k] for k in ("nationalTeams", "memberTeams", "liaisons", "listedTeams")}}

    def region_row(name: str, depth: int, inside: set[str]) -> dict:
        here = [countries[code] for code in inside]
        teams_here = [t for t in current if based_in(t) & inside]
        return {"name": name, "depth": depth, "countries": len(inside),
                "countriesWithTeam": sum(r["standing"] != "none" for r in here),
                "countriesWithNationalTeam": sum(r["nationalTeams"] > 0 for r in here),
                "countriesWithMember": sum(r["memberTeams"] + r["liaisons"] > 0 for r in here),
                "teams": len(teams_here), "memberTeams": sum("-renkei-member-type" in t for t in teams_here)}

    regions = []
    for region in sorted(M49):
        regions.append(region_row(region, 0, {c for c, (r, _) in REGION_OF.items() if r == region}))
        for sub in sorted(M49[region]):
            regions.append(region_row(sub, 1, set(M49[region][sub].split())))
    return {
        "countries": countries, "regions": regions, "teams": len(current),
        "memberTeams": sum("-renkei-member-type" in t for t in current),
        "countriesWithTeam": sum(r["standing"] != "none" for r in countries.values()),
        "countriesWithMember": sum(r["memberTeams"] + r["liaisons"] > 0 for r in countries.values()),
    }


@pytest.fixture(scope="module")
def coverage(demo_server) -> dict:
    """The API's document, anonymously."""
    response = requests.get(demo_server.url("/api/v1/coverage"), timeout=60)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()


def signed_in(server, who, authenticator) -> requests.Session:
    """A session signed in as `who` (the page's view), carrying an API token made on the
    account page (the API reads tokens, not the session cookie)."""
    session = requests.Session()
    sign_in_http(session, server, *who, authenticator)
    account = session.get(server.url("/account"), timeout=30).text
    made = session.post(server.url("/account/tokens"), timeout=30, data={"_csrf": CSRF_PATTERN.search(account).group(1), "name": "coverage"}).text
    session.headers["Authorization"] = "Bearer " + re.search(r'<code id="new-token">([^<]+)</code>', made).group(1)
    return session


@pytest.fixture(scope="module")
def secretariat(demo_server, authenticator) -> requests.Session:
    return signed_in(demo_server, SECRETARIAT, authenticator)


def by_code(document: dict) -> dict[str, dict]:
    return {row["code"]: row for row in document["countries"]}


def ok(result):
    assert result.returncode == 0, f"exit {result.returncode}\nstdout:\n{result.stdout[-2000:]}\nstderr:\n{result.stderr[-2000:]}"
    return result


@pytest.fixture(scope="module")
def demo_dir(cli, tmp_path_factory) -> Path:
    """A data directory with the demo loaded, for the command line (`renkei demo`)."""
    directory = tmp_path_factory.mktemp("coverage-demo")
    ok(cli(directory, "demo"))
    return directory


# --- the API against the recount --------------------------------------------------------------

def test_the_demo_has_four_former_members_and_they_still_appear_in_the_exports(demo_server, irt_teams, statuses):
    # The demo's 197 teams, of which two resigned and two were terminated: the exports still
    # list them (without a status), so coverage must leave them out itself.
    assert len(irt_teams) == 197
    assert Counter(statuses.values()) == {"active": 193, "resigned": 2, "terminated": 2}
    api_teams = requests.get(demo_server.url("/api/v1/teams"), params={"limit": 500}, timeout=30).json()["items"]
    assert {t["slug"] for t in api_teams} == set(statuses)
    for slug in (s for s, status in statuses.items() if status in DEPARTED):
        page = requests.get(demo_server.url(f"/teams/{slug}"), timeout=30).text
        shown = re.search(r'id="membership-status">([^<]+)<', page).group(1)
        assert shown.lower() == statuses[slug], (slug, shown)


def test_country_standings_and_counts_match_an_independent_recount(coverage, irt_teams, statuses):
    expected = recount(irt_teams, {slug for slug, status in statuses.items() if status in DEPARTED})
    rows = by_code(coverage)
    assert set(rows) == iso_3166_codes(), "a row per ISO 3166-1 country"
    assert len(coverage["countries"]) == len(rows), "no country twice"
    wrong = {code: ({k: rows[code][k] for k in want}, want) for code, want in expected["countries"].items()
             if {k: rows[code][k] for k in want} != want}
    assert not wrong, f"{len(wrong)} countries differ (API, recount): {dict(list(wrong.items())[:5])}"
    for key in ("teams", "memberTeams", "countriesWithTeam", "countriesWithMember"):
        assert coverage[key] == expected[key], key
    # The demo as it is: 193 current teams, all of them members, in 94 countries.
    assert (coverage["teams"], coverage["memberTeams"], coverage["countriesWithTeam"]) == (193, 193, 94)
    assert Counter(r["standing"] for r in rows.values()) == {"national": 92, "members": 2, "none": 155}
    # Counting the former members too would be wrong exactly where they are based.
    with_departed = recount(irt_teams, set())["countries"]
    departed_countries = {c for t in irt_teams if statuses[t["-renkei-slug"]] in DEPARTED for c in based_in(t)}
    assert {code for code, want in with_departed.items() if {k: rows[code][k] for k in want} != want} == departed_countries
    assert coverage["summary"].startswith(f"{expected['teams']} teams in {expected['countriesWithTeam']} countries; "
                                          f"members in {expected['countriesWithMember']} countries.")


def test_regions_are_un_m49_and_their_totals_match_the_recount(coverage, irt_teams, statuses):
    expected = recount(irt_teams, {slug for slug, status in statuses.items() if status in DEPARTED})
    for row in coverage["countries"]:
        want = REGION_OF.get(row["code"], (None, None))
        assert (row.get("region"), row.get("subRegion")) == want, row["code"]
    assert [(r["name"], r["depth"]) for r in coverage["regions"]] == [(r["name"], r["depth"]) for r in expected["regions"]]
    differing = [(got, want) for got, want in zip(coverage["regions"], expected["regions"]) if got != want]
    assert not differing, differing[:3]


def test_growth_adds_up_to_the_current_members(coverage, irt_teams, statuses):
    growth = coverage["growth"]
    members = [t for t in irt_teams if "-renkei-member-type" in t]
    years = Counter(int(t["-renkei-member-since"][:4]) for t in members)
    assert [row["year"] for row in growth] == list(range(min(years), int(coverage["asOf"][:4]) + 1))
    assert {row["year"]: row["joined"] for row in growth} == {year: years.get(year, 0) for year in range(min(years), growth[-1]["year"] + 1)}
    assert sum(row["departed"] for row in growth) == sum(status in DEPARTED for status in statuses.values()) == 4
    previous = 0
    for row in growth:
        assert row["members"] == previous + row["joined"] - row["departed"], row
        assert sum(row["membersByRegion"].values()) == row["members"], row
        previous = row["members"]
    assert growth[-1]["members"] == coverage["memberTeams"]


def test_growth_counts_each_member_in_the_region_it_is_based_in(coverage, irt_teams, statuses):
    # The chart's caption: "by the region they are based in"; a team is based in its country-code.
    current = [t for t in irt_teams if "-renkei-member-type" in t and statuses[t["-renkei-slug"]] not in DEPARTED]
    expected = Counter(REGION_OF.get(t["country-code"], ("Other",))[0] for t in current)
    assert coverage["growth"][-1]["membersByRegion"] == dict(expected)


# --- the map ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def world_map(demo_server) -> ET.Element:
    page = requests.get(demo_server.url("/coverage"), timeout=60)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    svgs = re.findall(r'<svg\b[^>]*\bclass="world-map".*?</svg>', page.text, re.S)
    assert len(svgs) == 1, "one world map on the page"
    return ET.fromstring(svgs[0])  # well-formed XML, or this raises


def test_the_map_has_one_shape_per_drawn_country_shaded_as_the_api_says(world_map, coverage):
    rows = by_code(coverage)
    iso = iso_3166_codes()
    assert world_map.tag == f"{SVG}svg" and world_map.get("viewBox")
    paths = world_map.findall(f".//{SVG}path")
    ids = [path.get("id") for path in paths]
    assert len(paths) >= 170, f"only {len(paths)} shapes"
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    assert all(re.fullmatch(r"country-[A-Z]{2}", i) and i[8:] in iso for i in ids), [i for i in ids if i[8:] not in iso]
    for path in paths:
        row = rows[path.get("id")[8:]]
        assert path.get("data-standing") == row["standing"], (row["code"], path.get("data-standing"), row["standing"])
        assert path.get("fill").lower() == FILL[row["standing"]], (row["code"], path.get("fill"))
        assert path.get("d", "").startswith("M"), row["code"]
        # Its tooltip names the country, then its standing in words (not only in colour).
        title = path.find(f"{SVG}title")
        assert title is not None and title.text.startswith(f"{row['name']}: "), (row["code"], title.text if title is not None else None)
    drawn = {i[8:] for i in ids}
    # The big ones are there whatever their standing.
    assert {"US", "BR", "RU", "CN", "IN", "AU", "ZA", "DE", "FR", "GB", "JP", "CA", "AR", "NG", "EG", "AQ"} <= drawn
    assert any(rows[c]["standing"] == "none" for c in drawn) and any(rows[c]["standing"] == "national" for c in drawn)


def test_the_legend_counts_each_standing(demo_server, coverage):
    page = requests.get(demo_server.url("/coverage"), timeout=60).text
    legend = dict(re.findall(r"</svg> ([^<:]+): (\d+) countries</li>", page))
    counts = Counter(row["standing"] for row in coverage["countries"])
    assert legend == {"National team": str(counts["national"]), "Member teams": str(counts["members"]),
                      "Liaisons only": str(counts["liaisons"]), "Listed teams only": str(counts["listed"]),
                      "No team": str(counts["none"])}
    assert f"Countries with no team ({counts['none']})" in page


# --- the CSV ----------------------------------------------------------------------------------

def test_csv_has_a_row_per_country_with_the_api_standing(demo_server, coverage):
    response = requests.get(demo_server.url("/coverage.csv"), timeout=60)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert f'coverage-{coverage["asOf"]}.csv' in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline="")))
    assert list(rows[0]) == ["country", "name", "region", "sub_region", "standing", "national_teams", "member_teams", "liaisons",
                             "listed_teams", "ipv4_registered", "ipv4_constituency_percent", "ipv4_national_only_percent", "ipv4_none_percent"]
    assert [row["country"] for row in rows] == [row["code"] for row in coverage["countries"]]
    space = {row["code"]: row["ipv4"] for row in coverage["addressSpace"]["countries"]}
    for row, api in zip(rows, coverage["countries"]):
        assert (row["name"], row["standing"], row["region"], row["sub_region"]) == \
            (api["name"], api["standing"], api.get("region") or "", api.get("subRegion") or ""), row
        assert [int(row[k]) for k in ("national_teams", "member_teams", "liaisons", "listed_teams")] == \
            [api[k] for k in ("nationalTeams", "memberTeams", "liaisons", "listedTeams")], row
        assert int(row["ipv4_registered"]) == space.get(row["country"], {}).get("registered", 0), row
        shares = [float(row[k]) for k in ("ipv4_constituency_percent", "ipv4_national_only_percent", "ipv4_none_percent")]
        assert abs(sum(shares) - (100 if int(row["ipv4_registered"]) else 0)) <= 0.2, row
    # A name with a comma survives the quoting.
    assert any("," in row["name"] for row in rows)


# --- who sees what ----------------------------------------------------------------------------

UNCOVERED_LISTS = ("largestUncoveredIPv4Blocks", "largestUncoveredIPv6Blocks", "largestUncoveredASes")


def check_address_space(space: dict):
    assert space["ipv4"]["registered"] > 0 and space["ipv6"]["registered"] > 0, "the demo imports registry data"
    for family in ("ipv4", "ipv6"):
        total = space[family]
        assert total["constituency"] + total["nationalOnly"] + total["none"] == total["registered"], (family, total)
        assert sum(row[family]["registered"] for row in space["countries"]) == total["registered"], family
        for row in space["countries"]:
            part = row[family]
            assert part["constituency"] + part["nationalOnly"] + part["none"] == part["registered"], (row["code"], family, part)


def test_anonymous_readers_get_no_list_of_uncovered_networks(demo_server, coverage):
    assert not any(coverage["addressSpace"].get(key) for key in UNCOVERED_LISTS), {k: coverage["addressSpace"].get(k) for k in UNCOVERED_LISTS}
    check_address_space(coverage["addressSpace"])
    page = requests.get(demo_server.url("/coverage"), timeout=60).text
    assert 'id="uncovered-ipv4"' not in page and 'id="uncovered-ases"' not in page


def test_a_member_gets_no_list_of_uncovered_networks_either(demo_server, authenticator):
    session = signed_in(demo_server, MEMBER, authenticator)
    document = session.get(demo_server.url("/api/v1/coverage"), timeout=60).json()
    assert not any(document["addressSpace"].get(key) for key in UNCOVERED_LISTS)


def test_the_secretariat_gets_the_lists(demo_server, secretariat, coverage):
    document = secretariat.get(demo_server.url("/api/v1/coverage"), timeout=60).json()
    space = document["addressSpace"]
    for key in UNCOVERED_LISTS:
        assert space.get(key), f"{key} is missing or empty for the secretariat"
        assert len(space[key]) <= 20
    check_address_space(space)
    # Largest first; a block nobody answers for lies in a country without a national team.
    for key, size in (("largestUncoveredIPv4Blocks", "size"), ("largestUncoveredIPv6Blocks", "size"), ("largestUncoveredASes", "announcedIPv4")):
        sizes = [entry[size] for entry in space[key]]
        assert sizes == sorted(sizes, reverse=True), key
    rows = by_code(coverage)
    for block in space["largestUncoveredIPv4Blocks"] + space["largestUncoveredIPv6Blocks"]:
        assert rows[block["country"]]["nationalTeams"] == 0, block
    # The community figures are public: the same for everyone.
    assert document["countries"] == coverage["countries"] and document["regions"] == coverage["regions"]
    page = secretariat.get(demo_server.url("/coverage"), timeout=60).text
    assert 'id="uncovered-ipv4"' in page and 'id="uncovered-ases"' in page


def test_anonymous_figures_leave_out_a_constituency_the_team_keeps_to_members(cli, demo_dir, renkei_bin, tmp_path):
    # Lindenfeld-CSIRT (DE's national team) stops publishing its constituency: an anonymous
    # reader's DE space inside a constituency shrinks by exactly its prefixes (now the national
    # team's only), while the members' view (the command line's) keeps them.
    directory = tmp_path / "data"
    shutil.copytree(demo_dir, directory)
    exported = tmp_path / "export.json"
    ok(cli(directory, "export", "global-irt", "--output", str(exported)))
    team = next(t for t in json.loads(exported.read_text(encoding="utf-8")) if t["-renkei-slug"] == "lindenfeld-csirt")
    assert team["country-code"] == "DE" and "national" in team["-renkei-team-types"]
    team["-renkei-public-fields"] = [f for f in team["-renkei-public-fields"] if f != "constituency"]
    exported.write_text(json.dumps([team]), encoding="utf-8")
    ok(cli(directory, "import", "global-irt", str(exported)))
    networks = [ipaddress.ip_network(p) for p in team["-renkei-constituency"]["prefixes"]]
    hidden = {"ipv4": sum(n.num_addresses for n in networks if n.version == 4),
              "ipv6": sum(max(1, 2 ** (48 - n.prefixlen)) for n in networks if n.version == 6)}
    assert hidden == {"ipv4": 768, "ipv6": 1}  # 198.18.0.0/23, 198.18.2.0/24 and one /48

    members = json.loads(ok(cli(directory, "coverage", "--json")).stdout)["addressSpace"]
    server = RenkeiServer(renkei_bin, directory, demo=False).start()
    try:
        anonymous = requests.get(server.url("/api/v1/coverage"), timeout=60).json()["addressSpace"]
        lookup = requests.get(server.url("/api/v1/lookup"), params={"q": str(networks[0][5])}, timeout=30).json()
    finally:
        server.stop()
    germany = {side: next(r for r in space["countries"] if r["code"] == "DE") for side, space in (("anonymous", anonymous), ("members", members))}
    for family, size in hidden.items():
        seen, known = germany["anonymous"][family], germany["members"][family]
        assert seen["constituency"] == known["constituency"] - size and seen["nationalOnly"] == known["nationalOnly"] + size, (family, seen, known)
        assert anonymous[family]["constituency"] == members[family]["constituency"] - size, family
    others = [r["code"] for r in anonymous["countries"] if r["code"] != "DE" and r not in members["countries"]]
    assert not others, others
    # The lookup agrees: anonymously, the prefix's answer is the national team, not a constituency.
    assert [c["kind"] for c in lookup["candidates"]][:1] == ["national-team"], lookup


# --- the command line -------------------------------------------------------------------------

def test_cli_prints_the_summary_regions_and_uncovered_countries(cli, demo_dir, coverage):
    out = ok(cli(demo_dir, "coverage")).stdout
    lines = out.splitlines()
    assert lines[0] == coverage["summary"]
    uncovered = [row for row in coverage["countries"] if row["standing"] == "none"]
    assert f"Countries with no team ({len(uncovered)}):" in lines
    assert all(f"  {row['code']}  {row['name']}  (" in out for row in uncovered)
    assert re.search(r"^Europe +51 +35 +34 +86$", out, re.M), "the region table"
    assert "Largest IPv4 blocks nobody answers for:" in out, "the command line is the secretariat's view"


def test_cli_json_is_the_secretariat_api_document(cli, demo_dir, demo_server, secretariat):
    local = json.loads(ok(cli(demo_dir, "coverage", "--json")).stdout)
    served = secretariat.get(demo_server.url("/api/v1/coverage"), timeout=60).json()
    assert local["countries"] == served["countries"]
    # Two loads of the same demo: everything but the dates and the datasets' ids is equal.
    for key in set(local) | set(served):
        if key not in ("asOf", "datasets"):
            assert local.get(key) == served.get(key), key
    assert [(d["kind"], d["entries"]) for d in local["datasets"]] == [(d["kind"], d["entries"]) for d in served["datasets"]]


@pytest.mark.parametrize("args", [["extra"], ["--jsn"], ["--json", "extra"]])
def test_cli_refuses_extra_arguments(cli, tmp_path, args):
    result = cli(tmp_path / "data", "coverage", *args)
    assert result.returncode == 2, (result.returncode, result.stdout[-500:], result.stderr[-500:])
    message = result.stderr[result.stderr.index("renkei:"):] if "renkei:" in result.stderr else ""
    assert message, result.stderr[-1000:]
    if args[-1] == "extra":
        assert "usage: renkei coverage [--json]" in message


# The demo has neither liaison-only nor listed-only countries: a small directory of its own
# shows every standing. Fictional teams; expectations written out.
CRAFTED = [
    {"short-team-name": "Geysir-CSIRT", "country-code": "IS", "-renkei-team-types": ["commercial"]},
    {"short-team-name": "Himal-CSIRT", "country-code": "NP", "-renkei-member-type": "Liaison", "-renkei-member-since": "2019-03-01",
     "-renkei-team-types": ["academic"]},
    {"short-team-name": "Savanna-CSIRT", "country-code": "KE", "-renkei-member-type": "Associate", "-renkei-member-since": "2021-06-30",
     "-renkei-team-types": ["commercial"]},
    {"short-team-name": "Baobab-Listed", "country-code": "KE", "-renkei-team-types": ["sector"]},
    {"short-team-name": "Condor-CERT", "country-code": "PE", "-renkei-team-types": ["national"]},
    {"short-team-name": "Rioplata-CC", "country-code": "UY", "additional-country-code": ["AR", "BR"], "-renkei-member-type": "Full Member",
     "-renkei-member-since": "2019-11-11", "-renkei-team-types": ["regional-coordinator"]},
]


def test_cli_every_standing_on_a_small_directory(cli, tmp_path):
    teams = []
    for team in CRAFTED:
        slug = team["short-team-name"].lower()
        teams.append({**team, "official-team-name": f"{team['short-team-name']} Team", "email": f"csirt@{slug}.example", "-renkei-slug": slug})
    source = tmp_path / "teams.json"
    source.write_text(json.dumps(teams), encoding="utf-8")
    data = tmp_path / "data"
    ok(cli(data, "import", "global-irt", str(source)))
    document = json.loads(ok(cli(data, "coverage", "--json")).stdout)
    shown = {row["code"]: (row["standing"], row["nationalTeams"], row["memberTeams"], row["liaisons"], row["listedTeams"])
             for row in document["countries"] if row["standing"] != "none"}
    assert shown == {
        "IS": ("listed", 0, 0, 0, 1), "NP": ("liaisons", 0, 0, 1, 0), "KE": ("members", 0, 1, 0, 1),
        "PE": ("national", 1, 0, 0, 1),  # a national team counts as national without a membership
        "UY": ("members", 0, 1, 0, 0), "AR": ("members", 0, 1, 0, 0), "BR": ("members", 0, 1, 0, 0),
    }
    assert shown == {code: (r["standing"], *[r[k] for k in ("nationalTeams", "memberTeams", "liaisons", "listedTeams")])
                     for code, r in recount(teams, set())["countries"].items() if r["standing"] != "none"}
    assert (document["teams"], document["memberTeams"], document["countriesWithTeam"], document["countriesWithMember"]) == (6, 3, 7, 5)
    regions = {r["name"]: (r["countriesWithTeam"], r["countriesWithMember"], r["teams"], r["memberTeams"]) for r in document["regions"]}
    assert regions["Americas"] == (4, 3, 2, 1) and regions["Africa"] == (1, 1, 2, 1)
    assert regions["Europe"] == (1, 0, 1, 0) and regions["Oceania"] == (0, 0, 0, 0)
    assert document["regions"] == recount(teams, set())["regions"]
    growth = {row["year"]: (row["joined"], row["members"]) for row in document["growth"]}
    assert (growth[2019], growth[2020], growth[2021]) == ((2, 2), (0, 2), (1, 3))
    # No registry data imported: no address space, and nothing to list.
    assert document["addressSpace"]["ipv4"]["registered"] == 0 and document["datasets"] == []

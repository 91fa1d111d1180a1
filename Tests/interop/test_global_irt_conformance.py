"""Conformance of `/global-irt/v1` with FIRST's Global IRT REST API v1.

Written from `api.md` in github.com/FIRSTdotorg/global-irt (version 1.0-beta, June 2015),
not from Renkei's code. Each test quotes the rule it checks. Where api.md is ambiguous or
contradicts itself, the comment says which reading Renkei's contract picked.

Everything here only reads, so the module shares one demo server.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from datetime import date, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

import pytest
import requests

PREFIX = "/global-irt/v1"

# api.md, "GET /teams" → Properties: name → type ("date" is an ISO 8601 string).
STANDARD_PROPERTIES = {
    "short-team-name": str, "official-team-name": str, "postal-address": str, "country-code": str,
    "additional-country-code": list, "website": list, "email": str, "host": str, "establishment": str,
    "phone-numbers": list, "enckeys": list, "operating-hours": str, "constituency": str,
    "constituency-code": str, "constituency-description": str, "source-name": str, "last-modified": str,
}
LIST_PROPERTIES = {name for name, kind in STANDARD_PROPERTIES.items() if kind is list}
REPOSITORY_PREFIX = "-renkei-"

# ISO 3166-1 alpha-2 officially assigned codes (249), written out independently of the app.
ISO_ALPHA2 = set("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
""".split())

# UN M49 "Europe" (150): Eastern, Northern, Southern and Western Europe. Cyprus, Georgia and
# Türkiye are Western Asia in M49.
EUROPE = set("""
BY BG CZ HU MD PL RO RU SK UA  AX DK EE FO FI GG IS IE IM JE LV LT NO SJ SE GB
AL AD BA HR GI GR VA IT MT ME MK PT SM RS SI ES  AT BE FR DE LI LU MC NL CH
""".split())
# UN M49 "Western Africa" (011).
WESTERN_AFRICA = set("BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG".split())
# Codes that are certainly not in Europe, to make sure the demo has teams outside it.
NOT_EUROPE = {"US", "JP", "BR", "AU", "ZA", "IN", "CA", "CY", "TR", "GE", "SG"}

HTTP_DATE = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                       r"\d{4} \d{2}:\d{2}:\d{2} GMT$")


def test_iso_tables_are_complete():
    assert len(ISO_ALPHA2) == 249
    assert EUROPE <= ISO_ALPHA2 and WESTERN_AFRICA <= ISO_ALPHA2
    assert len(EUROPE) == 51  # 10 Eastern + 16 Northern + 16 Southern + 9 Western


# --- helpers --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def api(demo_server):
    session = requests.Session()

    def get(path="/teams", params=None, headers=None, expect=200):
        response = session.get(demo_server.url(PREFIX + path), params=params, headers=headers, timeout=30)
        if expect is not None:
            assert response.status_code == expect, (response.url, response.status_code, response.text[:500])
        return response

    return get


def page(api, **params):
    response = api(params=params)
    return response.json(), response


@pytest.fixture(scope="module")
def all_teams(api):
    """Every team, in the default order, fetched 100 at a time (the largest allowed limit)."""
    first, response = page(api, limit=100)
    total = int(response.headers["X-Total-Count"])
    teams = list(first)
    while len(teams) < total:
        more, _ = page(api, limit=100, offset=len(teams))
        assert more, "a page ended before X-Total-Count teams"
        teams += more
    assert len(teams) == total
    return teams


def slugs(teams):
    return [t["-renkei-slug"] for t in teams]


def walk(value, path="$"):
    """Every (path, value) inside a JSON value, the value itself included."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}[{index}]")


def flat_text(team) -> str:
    """All text of a team except last-modified, lower-cased (what `q` searches)."""
    parts = []
    for key, value in team.items():
        if key == "last-modified":
            continue
        for _, leaf in walk(value):
            if isinstance(leaf, str):
                parts.append(leaf)
    return " ".join(parts).lower()


def codes(team) -> set[str]:
    return {team["country-code"], *team.get("additional-country-code", [])}


def loose_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def http_date(text: str) -> datetime:
    assert HTTP_DATE.match(text), f"not an RFC 9110 IMF-fixdate: {text!r}"
    return parsedate_to_datetime(text)


# --- response object and headers -------------------------------------------------------------

def test_default_response_is_a_bare_json_array_with_headers(api):
    # "The default output format is application/json" and "The applications must use UTF8".
    # "X-Version points out the actual API version used." / "X-Total-Count ... how many ...
    # were matched". api.md says envelope "Defaults to `true`" in its table but its own first
    # example (no envelope parameter) is a bare array with the counts in headers; Renkei's
    # contract follows the example: envelope defaults to false.
    response = api()
    assert response.headers["Content-Type"].split(";")[0].strip() == "application/json"
    assert "charset=utf-8" in response.headers["Content-Type"].replace(" ", "").lower()
    body = response.json()
    assert isinstance(body, list)
    assert response.headers["X-Version"] == "1.0"
    total = int(response.headers["X-Total-Count"])
    assert total == 197, "the demo network has 197 teams"
    assert len(body) == min(total, 100), "default limit is 100"
    http_date(response.headers["Last-Modified"])


def test_json_extension_is_the_default_format(api):
    # "application/json | .json (default) | ... the format used if no extension ... is provided"
    plain = api("/teams", params={"limit": 20}).json()
    extension = api("/teams.json", params={"limit": 20})
    assert extension.headers["Content-Type"].startswith("application/json")
    assert extension.json() == plain


def test_utf8_text_survives(all_teams):
    # "The applications must use UTF8 as the request/response encoding."
    assert any(any(ord(c) > 127 for c in t["short-team-name"]) for t in all_teams), \
        "the demo should contain a non-ASCII team name (e.g. Brückwerk)"


def test_property_names_are_standard_or_repository_prefixed(all_teams):
    # "Properties that are specific to one repository should be prefixed with -[repository code]"
    for team in all_teams:
        unknown = {k for k in team if k not in STANDARD_PROPERTIES and not k.startswith(REPOSITORY_PREFIX)}
        assert not unknown, (team.get("short-team-name"), unknown)


def test_empty_values_are_omitted(all_teams):
    # "Empty values are omitted from the resultset." (checked at every depth)
    for team in all_teams:
        for path, value in walk(team):
            assert value not in ("", [], {}, None), (team.get("-renkei-slug"), path, value)
            if isinstance(value, str):
                assert value.strip(), (team.get("-renkei-slug"), path, "blank string")


def test_property_types_follow_the_table(all_teams):
    # Properties table: string vs list; list items are strings.
    for team in all_teams:
        for name, kind in STANDARD_PROPERTIES.items():
            if name in team:
                assert isinstance(team[name], kind), (team["short-team-name"], name, team[name])
                if kind is list:
                    assert all(isinstance(item, str) and item for item in team[name]), (name, team[name])
    # Every team has a name, a country and the repository's name.
    for team in all_teams:
        for required in ("short-team-name", "official-team-name", "country-code", "source-name"):
            assert required in team, (team.get("-renkei-slug"), required)
        assert team["source-name"] == "Renkei"


def test_establishment_is_an_iso_8601_date(all_teams):
    # "establishment | date | Team date of establishment. Uses ISO 8601 format."
    seen = 0
    for team in all_teams:
        if "establishment" in team:
            seen += 1
            value = team["establishment"]
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), value
            assert date.fromisoformat(value) <= date.today() + timedelta(days=1)
    assert seen > 0


def test_country_codes_are_iso_3166_alpha_2(all_teams):
    # "country-code ... Uses ISO 3166-1 alpha-2 codes." / "additional-country-code ... alpha-2"
    for team in all_teams:
        assert team["country-code"] in ISO_ALPHA2, team["country-code"]
        for code in team.get("additional-country-code", []):
            assert code in ISO_ALPHA2, (team["short-team-name"], code)


def test_enckeys_are_pgp_key_ids(all_teams):
    # "enckeys | list | List of valid PGP key ids" (the example: "0x22BD4CD5")
    for team in all_teams:
        for key in team.get("enckeys", []):
            assert re.fullmatch(r"0x[0-9A-F]{8,40}", key), key


def test_last_modified_per_team_and_for_the_resultset(all_teams, api):
    # "last-modified | string | Date the entity was last updated or verified."
    # "The Last-Modified will refer to the last time the resultset that corresponds to this URL
    # was modified" — so the header is the newest team's last-modified.
    stamps = []
    for team in all_teams:
        stamp = datetime.fromisoformat(team["last-modified"].replace("Z", "+00:00"))
        assert stamp.tzinfo is not None, team["last-modified"]
        stamps.append(stamp)
    header = http_date(api().headers["Last-Modified"])
    assert header == max(stamps).replace(microsecond=0)
    # For a filtered resultset, the newest team of that set.
    japan, response = page(api, country="JP")
    newest = max(datetime.fromisoformat(t["last-modified"].replace("Z", "+00:00")) for t in japan)
    assert http_date(response.headers["Last-Modified"]) == newest.replace(microsecond=0)


def test_anonymous_readers_never_get_internal_emails(all_teams):
    # Renkei contract: internal e-mail addresses are never public.
    assert not any("-renkei-internal-emails" in t for t in all_teams)


# --- paging -----------------------------------------------------------------------------------

@pytest.mark.parametrize("size", [7, 50, 100])
def test_pages_concatenate_to_the_full_list(api, all_teams, size):
    # "Using the parameters offset and limit is possible to paginate the results properly."
    # "offset | Offsets the list of records by this number. The first item is 0."
    collected = []
    offset = 0
    while True:
        chunk, response = page(api, limit=size, offset=offset)
        assert int(response.headers["X-Total-Count"]) == len(all_teams)
        assert len(chunk) <= size
        if not chunk:
            break
        collected += chunk
        offset += size
    assert slugs(collected) == slugs(all_teams)
    assert len(set(slugs(collected))) == len(collected)


def test_offset_past_the_end_is_an_empty_page(api, all_teams):
    body, response = page(api, offset=len(all_teams) + 5)
    assert body == []
    assert int(response.headers["X-Total-Count"]) == len(all_teams)


def test_limit_zero_still_counts(api, all_teams):
    # "using a limit of "0" (zero) will still return a valid response object with the proper
    # count of matches."
    body, response = page(api, limit=0)
    assert body == []
    assert int(response.headers["X-Total-Count"]) == len(all_teams)
    envelope, _ = page(api, limit=0, envelope="true")
    assert envelope["data"] == [] and envelope["total"] == len(all_teams) and envelope["limit"] == 0
    japan, response = page(api, limit=0, **{"country-code": "JP"})
    assert japan == []
    assert int(response.headers["X-Total-Count"]) == sum(t["country-code"] == "JP" for t in all_teams) > 0


# --- sorting ----------------------------------------------------------------------------------

def test_default_order_is_by_short_team_name(api, all_teams):
    # "Each application should define its default sorting options." Renkei: short-team-name.
    keys = [loose_key(t["short-team-name"]) for t in all_teams]
    assert keys == sorted(keys)
    explicit, _ = page(api, sort="short-team-name", limit=100)
    assert slugs(explicit) == slugs(all_teams[:100])


def test_sort_descending_with_minus(api, all_teams):
    # "Fields starting with "-" (minus sign) indicate a descending order."
    names = [t["short-team-name"] for t in all_teams]
    assert len(set(names)) == len(names), "the check below needs unique names"
    descending = []
    for offset in (0, 100):
        chunk, _ = page(api, sort="-short-team-name", limit=100, offset=offset)
        descending += chunk
    assert [t["short-team-name"] for t in descending] == names[::-1]


@pytest.mark.parametrize("key", ["establishment", "country-code"])
def test_sort_by_other_properties(api, key):
    # "sort | Comma-separated list of fieldnames to be used to sort the resultset."
    for sign, ordered in (("", lambda a, b: a <= b), ("-", lambda a, b: a >= b)):
        body, _ = page(api, sort=sign + key, limit=100, fields=f"{key},short-team-name")
        values = [t.get(key, "") for t in body]
        present = [v for v in values if v]
        assert all(ordered(a, b) for a, b in zip(present, present[1:])), (sign + key, values[:20])


def test_sort_by_two_keys(api):
    # A comma-separated list: country-code first, then short-team-name descending.
    body, _ = page(api, sort="country-code,-short-team-name", limit=100, fields="country-code,short-team-name")
    for a, b in zip(body, body[1:]):
        assert a["country-code"] <= b["country-code"]
        if a["country-code"] == b["country-code"]:
            assert loose_key(a["short-team-name"]) >= loose_key(b["short-team-name"])


def test_sort_by_a_repository_property_both_ways(api):
    # A repository property already starts with "-": "--renkei-slug" is its descending order.
    up = []
    down = []
    for offset in (0, 100):
        up += page(api, sort="-renkei-slug", fields="-renkei-slug", limit=100, offset=offset)[0]
        down += page(api, sort="--renkei-slug", fields="-renkei-slug", limit=100, offset=offset)[0]
    assert slugs(down) == slugs(up)[::-1]
    assert len(up) == 197


# --- fields -----------------------------------------------------------------------------------

def test_fields_projection(api, all_teams):
    # "fields | Comma-separated list of fieldnames to be retrieved."
    wanted = ["short-team-name", "email", "phone-numbers"]
    body, response = page(api, fields=",".join(wanted), limit=100)
    by_name = {t["short-team-name"]: t for t in all_teams}
    assert len(body) == 100 and int(response.headers["X-Total-Count"]) == len(all_teams)
    for team in body:
        assert set(team) <= set(wanted)
        full = by_name[team["short-team-name"]]
        assert team == {k: full[k] for k in wanted if k in full}
    # api.md's own example: fields=short-team-name,email
    example, _ = page(api, country="de", fields="short-team-name,email", limit=1)
    assert len(example) == 1 and set(example[0]) <= {"short-team-name", "email"}


# --- envelope and pretty ----------------------------------------------------------------------

ENVELOPE_KEYS = {"status", "status_code", "version", "total", "last-modified", "limit", "offset", "data"}


@pytest.mark.parametrize("flag", ["true", "1"])
def test_envelope(api, all_teams, flag):
    # "If set to true will add an object wrapping the resultset, with details on the status,
    # total records found, offset and limit." Shape of api.md's envelope example.
    body, response = page(api, envelope=flag, limit=5, offset=3, fields="short-team-name,email")
    assert set(body) == ENVELOPE_KEYS
    assert body["status"] == "OK" and body["status_code"] == 200 and body["version"] == "1.0"
    assert body["total"] == len(all_teams) and body["limit"] == 5 and body["offset"] == 3
    assert [t["short-team-name"] for t in body["data"]] == [t["short-team-name"] for t in all_teams[3:8]]
    assert http_date(body["last-modified"]) == http_date(response.headers["Last-Modified"])


@pytest.mark.parametrize("flag", ["false", "0"])
def test_envelope_off(api, flag):
    body, response = page(api, envelope=flag, limit=2)
    assert isinstance(body, list) and len(body) == 2
    assert "X-Total-Count" in response.headers


def test_pretty_false_is_one_line(api):
    # "pretty | ... If the result should be pretty-printed or no. Defaults to true."
    pretty = api(params={"limit": 10}).text
    compact = api(params={"limit": 10, "pretty": "false"}).text
    assert "\n" in pretty.strip() and "    " in pretty
    assert "\n" not in compact.strip()
    assert json.loads(compact) == json.loads(pretty)
    assert "\n" not in api(params={"limit": 10, "pretty": "0", "envelope": "1"}).text.strip()


# --- filters ----------------------------------------------------------------------------------

def test_team_filter(api, all_teams):
    # "team | Free text search on both short-team-name and official-team-name."
    for term in ("csirt", "Lindenfeld", "national computer"):
        body, response = page(api, team=term, limit=100, fields="-renkei-slug")
        expected = [t for t in all_teams
                    if term.lower() in t["short-team-name"].lower() or term.lower() in t["official-team-name"].lower()]
        assert expected, term
        assert int(response.headers["X-Total-Count"]) == len(expected), term
        assert len(body) == min(100, len(expected)), term
        assert set(slugs(body)) <= set(slugs(expected)), term


def test_country_filter_with_two_codes(api, all_teams):
    # "country | Accepts a comma-separated list of country codes to filter the resultset of both
    # country-code and additional-country-code."
    body, response = page(api, country="DE,JP", limit=100)
    expected = {t["-renkei-slug"] for t in all_teams if codes(t) & {"DE", "JP"}}
    assert set(slugs(body)) == expected
    assert int(response.headers["X-Total-Count"]) == len(expected)
    assert {t["country-code"] for t in body} >= {"DE", "JP"}
    assert any(t["country-code"] not in ("DE", "JP") for t in body), \
        "a regional team that only lists DE or JP as additional-country-code should match too"
    lower, _ = page(api, country="de,jp", limit=100)
    assert slugs(lower) == slugs(body)


@pytest.mark.parametrize("region,members", [("Europe", EUROPE), ("Western Africa", WESTERN_AFRICA)])
def test_region_filter(api, all_teams, region, members):
    # "region | Region to search the teams for. Uses ISO 3166 region names." (UN M49)
    body = []
    for offset in (0, 100):
        body += page(api, region=region, limit=100, offset=offset)[0]
    found = set(slugs(body))
    assert found and found < set(slugs(all_teams)), "a region is a proper subset of all teams"
    for team in body:
        assert codes(team) & members, (region, team["short-team-name"], codes(team))
    expected = {t["-renkei-slug"] for t in all_teams if codes(t) & members}
    assert found == expected
    if region == "Europe":
        assert all(t["country-code"] in EUROPE for t in body)
        assert not any(t["country-code"] in NOT_EUROPE for t in body)
        assert any(t["country-code"] in NOT_EUROPE for t in all_teams)


def test_q_searches_words_in_all_fields(api, all_teams):
    # "q | Searches for the words in all available fields (except last-modified)."
    for q in ("lindenfeld", "lindenfeld national", "AS64496", "Brückwerk telecom", "BRÜCKWERK"):
        words = q.lower().split()
        body, response = page(api, q=q, limit=100)
        assert body, q
        for team in body:
            text = flat_text(team)
            assert all(w in text for w in words), (q, team["short-team-name"])
        # Every team that has all the words as whole tokens must be found.
        tokens = {t["-renkei-slug"]: set(re.findall(r"\w+", flat_text(t))) for t in all_teams}
        must = {slug for slug, toks in tokens.items() if all(w in toks for w in words)}
        assert must <= set(slugs(body)), (q, must - set(slugs(body)))
        assert int(response.headers["X-Total-Count"]) == len(body)
    lindenfeld, _ = page(api, q="lindenfeld")
    assert "lindenfeld-csirt" in slugs(lindenfeld)


def test_q_ignores_last_modified(api, all_teams):
    # "(except last-modified)": the timestamp's own text must not make a team match.
    stamp = all_teams[0]["last-modified"]
    body, _ = page(api, q=stamp)
    assert body == []


def test_exact_property_filter_is_case_insensitive(api, all_teams):
    # "All output fields, with the exception of last-modified, can be used as params for queries.
    # They are used as exact terms (case insensitive) compared to the field value."
    japan = {t["-renkei-slug"] for t in all_teams if t["country-code"] == "JP"}
    for value in ("JP", "jp"):
        body, response = page(api, **{"country-code": value})
        assert set(slugs(body)) == japan and int(response.headers["X-Total-Count"]) == len(japan)
    lindenfeld = next(t for t in all_teams if t["-renkei-slug"] == "lindenfeld-csirt")
    body, _ = page(api, email=lindenfeld["email"].upper())
    assert slugs(body) == ["lindenfeld-csirt"]
    # Exact, not a substring:
    assert page(api, **{"country-code": "J"})[0] == []
    assert page(api, email=lindenfeld["email"][:-1])[0] == []
    # A list property matches when one of its items equals the term.
    website = lindenfeld["website"][0]
    body, _ = page(api, website=website.upper())
    assert "lindenfeld-csirt" in slugs(body)
    # Two filters combine (AND).
    body, _ = page(api, **{"country-code": "de", "constituency": "national"})
    assert set(slugs(body)) == {t["-renkei-slug"] for t in all_teams
                                if t["country-code"] == "DE" and t.get("constituency", "").lower() == "national"}


def test_last_modified_is_not_a_filter(api, all_teams):
    # "with the exception of last-modified"
    response = api(params={"last-modified": all_teams[0]["last-modified"]}, expect=422)
    assert response.json()["errors"][0]["field"] == "last-modified"


# --- CSV --------------------------------------------------------------------------------------

def parse_csv(response):
    rows = list(csv.reader(io.StringIO(response.text)))
    return rows[0], rows[1:]


@pytest.mark.parametrize("params", [{}, {"limit": 30, "offset": 180}, {"country": "JP"},
                                    {"fields": "short-team-name,email,website", "limit": 100}])
def test_csv(api, params):
    # "application/csv | .csv | Comma-separated values. The first line contains the column names."
    response = api("/teams.csv", params=params)
    assert "csv" in response.headers["Content-Type"]
    header, rows = parse_csv(response)
    assert header and len(set(header)) == len(header)
    assert all(name in STANDARD_PROPERTIES or name.startswith(REPOSITORY_PREFIX) for name in header), header
    if "fields" in params:
        assert header == params["fields"].split(",")
    total = int(response.headers["X-Total-Count"])
    limit = int(params.get("limit", 100))
    offset = int(params.get("offset", 0))
    assert len(rows) == max(0, min(limit, total - offset))
    assert all(len(row) == len(header) for row in rows)
    as_json = api("/teams", params=params).json()
    column = header.index("short-team-name")
    assert [row[column] for row in rows] == [t["short-team-name"] for t in as_json]


def test_csv_by_accept_header(api):
    # "The accepted format should be requested either as a Accept: header or as an extension"
    response = api("/teams", params={"limit": 3}, headers={"Accept": "application/csv"})
    assert "csv" in response.headers["Content-Type"]
    header, rows = parse_csv(response)
    assert "short-team-name" in header and len(rows) == 3


# --- caching ----------------------------------------------------------------------------------

def test_if_modified_since(api):
    # "this information can be used for caching (browsers would request the If-Modified-Since
    # header to check if it was modified)"
    last_modified = api().headers["Last-Modified"]
    not_modified = api(headers={"If-Modified-Since": last_modified}, expect=304)
    assert not_modified.content == b""
    later = format_datetime(http_date(last_modified) + timedelta(days=1), usegmt=True)
    api(headers={"If-Modified-Since": later}, expect=304)
    earlier = format_datetime(http_date(last_modified) - timedelta(seconds=1), usegmt=True)
    assert api(headers={"If-Modified-Since": earlier}).json()


# --- errors -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name,value", [
    ("bogus", "1"), ("limit", "abc"), ("limit", "101"), ("limit", "-1"), ("offset", "-3"),
    ("offset", "x"), ("sort", "no-such-property"), ("fields", "short-team-name,nope"),
    ("envelope", "maybe"), ("pretty", "yes please"), ("region", "Atlantis"),
])
def test_bad_parameters_are_422_problems(api, name, value):
    # Renkei contract: an unknown parameter or a bad value is never silently ignored.
    response = api(params={name: value}, expect=422)
    assert response.headers["Content-Type"].split(";")[0].strip() == "application/problem+json"
    problem = response.json()
    for key in ("type", "title", "status", "detail"):
        assert key in problem, key
    assert problem["status"] == 422
    assert problem["errors"][0]["field"] == name
    assert problem["errors"][0]["message"]


def test_bad_parameters_are_422_for_csv_too(api):
    response = api("/teams.csv", params={"limit": "1000"}, expect=422)
    assert response.json()["errors"][0]["field"] == "limit"

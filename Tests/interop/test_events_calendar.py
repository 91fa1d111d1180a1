"""The events' iCalendar files (RFC 5545), read by Python's `icalendar`, an implementation
independent of Renkei's.

Every file the demo serves (the list of events as a visitor, a member and a SIG participant see
it, each event's file, and the personal feed behind a secret link) parses; every VEVENT has a
start and an end in the venue's zone (TZID), whose VTIMEZONE is in the file and agrees with the
IANA database at those instants; nothing recurs (no RRULE, no RDATE); UIDs are unique. Then the
confidentiality of the programme by expectations written by hand from the demo's data: a
members-only session is absent from a visitor's file by title, by UID and by count, and a SIG's
meeting from everyone's but its participants'.
"""

from __future__ import annotations

import datetime
import re
import uuid
import zoneinfo

import icalendar
import pytest
import requests

from conftest import CSRF_PATTERN, sign_in_http

MEMBER = ("member@renkei-demo.example", "demo-member-pass")    # Lindenfeld-CSIRT; in no SIG meeting's SIG
JORDAN = ("jordan@renkei-demo.example", "demo-jordan-pass")    # chairs the CVSS SIG; on Singapore's waiting list

# The demo's events and the zones they are planned in (DemoNetwork+Events.swift).
ZONES = {
    "annual-conference-last-year": "Europe/Lisbon",
    "annual-conference": "America/Toronto",
    "tc-nairobi": "Africa/Nairobi",
    "tc-singapore": "Asia/Singapore",
    "cvss-sig-meeting": "America/New_York",
}
TITLES = {
    "annual-conference-last-year": "Annual Conference (last year)",
    "annual-conference": "Annual Conference",
    "tc-nairobi": "Technical Colloquium Nairobi",
    "tc-singapore": "Technical Colloquium Singapore",
    "cvss-sig-meeting": "CVSS SIG meeting",
}
PUBLIC = [slug for slug in ZONES if slug != "cvss-sig-meeting"]
OPEN_SESSION = "Measuring a CSIRT's reach"
MEMBERS_SESSION = "A botnet takedown from the inside"


@pytest.fixture(scope="module")
def server(server_factory):
    return server_factory()


@pytest.fixture(scope="module")
def member(server, authenticator) -> requests.Session:
    session = requests.Session()
    sign_in_http(session, server, *MEMBER, authenticator)
    return session


@pytest.fixture(scope="module")
def jordan(server, authenticator) -> requests.Session:
    session = requests.Session()
    sign_in_http(session, server, *JORDAN, authenticator)
    return session


def fetch(client, server, path: str, **params) -> bytes:
    response = client.get(server.url(path), params=params, timeout=30)
    assert response.status_code == 200, f"{path}: HTTP {response.status_code}"
    assert response.headers["Content-Type"].startswith("text/calendar"), f"{path}: Content-Type {response.headers['Content-Type']}"
    return response.content


def slug_of(vevent) -> str:
    """The event a VEVENT belongs to, from its URL (the event's page, or a session's anchor on it)."""
    found = re.search(r"/events/([a-z0-9-]+)(?:#session-[0-9a-f-]{36})?$", str(vevent.get("URL", "")))
    assert found, f"VEVENT {vevent.get('UID')} has no URL of an event's page: {vevent.get('URL')!r}"
    return found.group(1)


def check_calendar(raw: bytes, where: str) -> icalendar.Calendar:
    """Parses; every VEVENT in its venue's zone with that zone's VTIMEZONE, right at its start and
    end; no recurrence; unique UIDs. Returns the calendar."""
    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar.name == "VCALENDAR" and str(calendar["VERSION"]) == "2.0", where
    for line in raw.decode().split("\r\n"):
        assert not re.match(r"(?i)(RRULE|RDATE|EXRULE|EXDATE)[;:]", line), f"{where}: a recurrence: {line}"
    for component in calendar.walk():
        for name in ("RRULE", "RDATE", "EXRULE", "EXDATE"):
            assert name not in component, f"{where}: {component.name} has {name}"
    zones = {str(tz["TZID"]): tz for tz in calendar.walk("VTIMEZONE")}
    assert len(zones) == len(calendar.walk("VTIMEZONE")), f"{where}: a VTIMEZONE twice"
    uids = [str(event["UID"]) for event in calendar.walk("VEVENT")]
    assert len(uids) == len(set(uids)), f"{where}: UIDs repeat: {sorted(uids)}"
    for event in calendar.walk("VEVENT"):
        uid = str(event["UID"])
        assert re.fullmatch(r"(event|session)-[0-9a-f-]{36}@renkei", uid), f"{where}: UID {uid}"
        zone = ZONES[slug_of(event)]
        for name in ("DTSTART", "DTEND"):
            assert name in event, f"{where}: {uid} has no {name}"
            prop = event[name]
            value = prop.dt
            assert isinstance(value, datetime.datetime), f"{where}: {uid} {name} is a {type(value).__name__}, not a date-time"
            assert value.tzinfo is not None and value.utcoffset() is not None, f"{where}: {uid} {name} is a floating time"
            assert prop.params.get("TZID") == zone, f"{where}: {uid} {name} TZID {prop.params.get('TZID')!r}, the venue's zone is {zone}"
            assert zone in zones, f"{where}: {uid} {name} names TZID {zone} with no VTIMEZONE for it"
            # The offsets the file writes out (its VTIMEZONE, read without the reader's own zone
            # data) are the IANA database's at this instant.
            written = zones[zone].to_tz(lookup_tzid=False)
            wall = value.replace(tzinfo=None)
            assert wall.replace(tzinfo=written).utcoffset() == wall.replace(tzinfo=zoneinfo.ZoneInfo(zone)).utcoffset(), \
                f"{where}: {uid} {name} {wall}: the VTIMEZONE's offset is not {zone}'s"
        assert event["DTEND"].dt >= event["DTSTART"].dt, f"{where}: {uid} ends before it starts"
    return calendar


def summaries(calendar) -> list[str]:
    return [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]


def by_summary(calendar, summary: str):
    found = [event for event in calendar.walk("VEVENT") if str(event["SUMMARY"]) == summary]
    assert len(found) == 1, f"one VEVENT {summary!r}: {summaries(calendar)}"
    return found[0]


def categories(event) -> list[str]:
    return [str(c) for c in event["CATEGORIES"].cats]


def instant(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


# --- Every file parses and keeps the venue's zone ----------------------------------------------

def test_every_calendar_the_demo_serves_parses_in_the_venues_zone(server, member, jordan):
    anonymous = requests.Session()
    files = {f"{who} /events.ics": fetch(client, server, "/events.ics")
             for who, client in (("visitor", anonymous), ("member", member), ("jordan", jordan))}
    for slug in PUBLIC:
        for who, client in (("visitor", anonymous), ("member", member), ("jordan", jordan)):
            files[f"{who} /events/{slug}.ics"] = fetch(client, server, f"/events/{slug}.ics")
    files["jordan /events/cvss-sig-meeting.ics"] = fetch(jordan, server, "/events/cvss-sig-meeting.ics")
    checked = {where: check_calendar(raw, where) for where, raw in files.items()}
    # Each event's file has the event, and the list every event its reader may see, sessions not.
    for where, calendar in checked.items():
        if where.endswith("/events.ics"):
            expected = [TITLES[slug] for slug in ZONES if slug != "cvss-sig-meeting" or where.startswith("jordan")]
            assert sorted(summaries(calendar)) == sorted(expected), (where, summaries(calendar))
            assert all(str(e["UID"]).startswith("event-") for e in calendar.walk("VEVENT")), where
        else:
            slug = re.search(r"/events/([a-z0-9-]+)\.ics$", where).group(1)
            assert TITLES[slug] in summaries(calendar), (where, summaries(calendar))
            assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} == {ZONES[slug]}, where


def test_the_times_are_the_events_instants_and_the_venues_wall_clock(server):
    """The API's instants (UTC) and the demo's local times (09:00 to 18:00, the open session at
    10:30 for 45 minutes on the first day) are what the calendar says."""
    calendar = check_calendar(fetch(requests, server, "/events/annual-conference.ics"), "visitor annual-conference.ics")
    detail = requests.get(server.url("/api/v1/events/annual-conference"), timeout=30).json()
    event = by_summary(calendar, "Annual Conference")
    assert event["DTSTART"].dt == instant(detail["event"]["startsAt"])
    assert event["DTEND"].dt == instant(detail["event"]["endsAt"])
    assert (event["DTSTART"].dt.hour, event["DTSTART"].dt.minute) == (9, 0)
    assert (event["DTEND"].dt.hour, event["DTEND"].dt.minute) == (18, 0)
    assert (event["DTEND"].dt.date() - event["DTSTART"].dt.date()).days == 3, "four days"
    session = by_summary(calendar, f"{OPEN_SESSION} (Annual Conference)")
    api = [s for s in detail["sessions"] if s["title"] == OPEN_SESSION]
    assert len(api) == 1 and str(session["UID"]) == f"session-{api[0]['id']}@renkei"
    assert session["DTSTART"].dt == instant(api[0]["startsAt"]) and session["DTEND"].dt == instant(api[0]["endsAt"])
    assert session["DTSTART"].dt.date() == event["DTSTART"].dt.date()
    assert (session["DTSTART"].dt.hour, session["DTSTART"].dt.minute) == (10, 30)
    assert session["DTEND"].dt - session["DTSTART"].dt == datetime.timedelta(minutes=45)
    assert categories(session) == ["TLP:CLEAR", "Open"]
    assert str(session["CLASS"]) == "PUBLIC"
    assert str(session["URL"]) == server.url(f"/events/annual-conference#session-{api[0]['id']}")


# --- Who sees which session ---------------------------------------------------------------------

def test_a_visitor_does_not_get_the_members_only_session_by_title_uid_or_count(server, member):
    visitor_raw = fetch(requests, server, "/events/annual-conference.ics")
    member_raw = fetch(member, server, "/events/annual-conference.ics")
    visitor = check_calendar(visitor_raw, "visitor annual-conference.ics")
    members = check_calendar(member_raw, "member annual-conference.ics")
    assert sorted(summaries(visitor)) == sorted(["Annual Conference", f"{OPEN_SESSION} (Annual Conference)"]), summaries(visitor)
    assert sorted(summaries(members)) == sorted(["Annual Conference", f"{OPEN_SESSION} (Annual Conference)", f"{MEMBERS_SESSION} (Annual Conference)"]), \
        summaries(members)
    hidden = by_summary(members, f"{MEMBERS_SESSION} (Annual Conference)")
    hidden_uid = str(hidden["UID"])
    assert categories(hidden) == ["TLP:AMBER", "Members only", "No recording"]
    assert str(hidden["CLASS"]) == "CONFIDENTIAL"
    # Not by title, not by UID (nor its session id, e.g. in a URL), not by the number of VEVENTs.
    assert b"botnet takedown" not in visitor_raw.lower() and b"Wanjiru" not in visitor_raw
    assert hidden_uid.encode() not in visitor_raw
    assert hidden_uid.removeprefix("session-").removesuffix("@renkei").encode() not in visitor_raw
    assert len(members.walk("VEVENT")) == len(visitor.walk("VEVENT")) + 1
    # The open session is the same VEVENT for both.
    assert str(by_summary(visitor, f"{OPEN_SESSION} (Annual Conference)")["UID"]) == \
        str(by_summary(members, f"{OPEN_SESSION} (Annual Conference)")["UID"])
    # The colloquium's members-only AMBER+STRICT session likewise.
    nairobi_visitor = check_calendar(fetch(requests, server, "/events/tc-nairobi.ics"), "visitor tc-nairobi.ics")
    nairobi_member = check_calendar(fetch(member, server, "/events/tc-nairobi.ics"), "member tc-nairobi.ics")
    strict = by_summary(nairobi_member, "Sensor data sharing between national teams (Technical Colloquium Nairobi)")
    assert categories(strict) == ["TLP:AMBER+STRICT", "Members only", "No recording"]
    assert sorted(summaries(nairobi_visitor)) == sorted(["Technical Colloquium Nairobi",
                                                         "Mobile money fraud: the responder's view (Technical Colloquium Nairobi)"]), summaries(nairobi_visitor)
    assert str(strict["UID"]).encode() not in fetch(requests, server, "/events/tc-nairobi.ics")


def test_a_sigs_meeting_is_in_no_calendar_but_its_participants(server, member, jordan):
    visitor_list = fetch(requests, server, "/events.ics")
    assert b"CVSS SIG meeting" not in visitor_list and b"cvss-sig-meeting" not in visitor_list
    assert b"Supplemental metrics" not in visitor_list
    member_list = fetch(member, server, "/events.ics")
    assert b"CVSS SIG meeting" not in member_list and b"cvss-sig-meeting" not in member_list
    assert "CVSS SIG meeting" in summaries(check_calendar(fetch(jordan, server, "/events.ics"), "jordan /events.ics"))
    # The meeting's own file: as absent as an event that does not exist, for a visitor and for a
    # member outside the SIG; there for a participant.
    made_up = f"meeting-{uuid.uuid4().hex[:8]}"
    for who, client in (("visitor", requests.Session()), ("member", member)):
        real = client.get(server.url("/events/cvss-sig-meeting.ics"), timeout=30)
        fake = client.get(server.url(f"/events/{made_up}.ics"), timeout=30)
        assert real.status_code == 404, f"{who}: /events/cvss-sig-meeting.ics is HTTP {real.status_code}"
        assert fake.status_code == 404
        assert "Supplemental metrics" not in real.text and "CVSS SIG meeting" not in real.text, who
        assert real.text.replace("cvss-sig-meeting", "") == fake.text.replace(made_up, ""), f"{who}: the meeting answers unlike a made-up event"
    meeting = check_calendar(fetch(jordan, server, "/events/cvss-sig-meeting.ics"), "jordan cvss-sig-meeting.ics")
    assert sorted(summaries(meeting)) == sorted(["CVSS SIG meeting", "Supplemental metrics: draft guidance (CVSS SIG meeting)"]), summaries(meeting)
    session = by_summary(meeting, "Supplemental metrics: draft guidance (CVSS SIG meeting)")
    assert categories(session) == ["TLP:GREEN", "SIG only", "No recording"]
    assert (session["DTSTART"].dt.hour, session["DTSTART"].dt.minute) == (11, 0)


# --- The personal feed ---------------------------------------------------------------------------

def calendar_link(client, server) -> str:
    """Makes a new calendar link on My events, as the button does; returns it."""
    page = client.get(server.url("/account/events"), timeout=30)
    assert page.status_code == 200, page.status_code
    made = client.post(server.url("/account/events"), data={"_csrf": CSRF_PATTERN.search(page.text).group(1)}, timeout=30)
    assert made.status_code == 200, made.status_code
    found = re.search(r'<code id="calendar-link">([^<]+)</code>', made.text)
    assert found, "the new link is shown"
    link = found.group(1).replace("&amp;", "&")
    assert link.startswith(server.url("/account/calendar.ics?token=")), link
    return link


def test_the_personal_feed_has_my_registrations_and_the_sessions_i_may_see(server, member, jordan):
    link = calendar_link(member, server)
    # A calendar program sends no cookie: the link's secret is enough.
    mine = check_calendar(fetch(requests, server, link.removeprefix(server.base_url)), "member's feed")
    # member@ is registered for both conferences and both colloquia, and has their members-only
    # sessions; the feed leaves the platform (calendar services fetch it), so a session at
    # AMBER or above keeps its slot but not its title.
    assert sorted(summaries(mine)) == sorted([
        "Annual Conference (last year)", "Opening keynote: twenty years of coordinated disclosure (Annual Conference (last year))",
        "TLP:AMBER session (Annual Conference (last year))",
        "Annual Conference", f"{OPEN_SESSION} (Annual Conference)", "TLP:AMBER session (Annual Conference)",
        "Technical Colloquium Nairobi", "Mobile money fraud: the responder's view (Technical Colloquium Nairobi)",
        "TLP:AMBER+STRICT session (Technical Colloquium Nairobi)",
        "Technical Colloquium Singapore", "Hands-on: triage of a phishing kit (Technical Colloquium Singapore)",
    ]), summaries(mine)
    withheld = "\n".join(str(event.get("SUMMARY", "")) + str(event.get("DESCRIPTION", "")) for event in mine.walk("VEVENT"))
    for words in ("ransomware", "botnet takedown", "Sensor data sharing", "joint operation", "walks through a case", "share daily"):
        assert words not in withheld, f"{words!r} left the platform in the personal feed"
    assert {str(tz["TZID"]) for tz in mine.walk("VTIMEZONE")} == {ZONES[slug] for slug in PUBLIC}
    # The same UIDs as the event's own file, so a calendar program does not keep two copies.
    event_file = check_calendar(fetch(member, server, "/events/annual-conference.ics"), "member annual-conference.ics")
    assert {str(e["UID"]) for e in event_file.walk("VEVENT")} <= {str(e["UID"]) for e in mine.walk("VEVENT")}

    # On a waiting list: the event, not its sessions. A SIG's meeting for its participant.
    theirs = check_calendar(fetch(requests, server, calendar_link(jordan, server).removeprefix(server.base_url)), "jordan's feed")
    assert sorted(summaries(theirs)) == sorted(["CVSS SIG meeting", "Supplemental metrics: draft guidance (CVSS SIG meeting)",
                                                "Technical Colloquium Singapore"]), summaries(theirs)

    # A new link ends the old one; no link, or a made-up one, opens nothing.
    newer = calendar_link(member, server)
    assert newer != link
    assert requests.get(link, timeout=30).status_code == 404, "the old link stopped working"
    assert requests.get(newer, timeout=30).status_code == 200
    assert requests.get(server.url("/account/calendar.ics"), timeout=30).status_code == 404
    assert requests.get(server.url("/account/calendar.ics"), params={"token": uuid.uuid4().hex}, timeout=30).status_code == 404

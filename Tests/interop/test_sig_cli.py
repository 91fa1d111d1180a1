"""`renkei sig`, run as the secretariat's scripts would: the demo's seven classic SIGs, and
each step refused with exit status 2 and a message when the rules say no."""

from __future__ import annotations

import json

import pytest

from test_cli import ok, usage_error

CLASSIC = {"Abuse Handling", "Artifact Analysis", "CVSS", "CSIRT Metrics", "Vendor", "Law Enforcement Cooperation", "Network Monitoring"}


@pytest.fixture(scope="module")
def demo_dir(cli, tmp_path_factory):
    directory = tmp_path_factory.mktemp("sig-demo")
    ok(cli(directory, "demo"))
    return directory


def test_the_demo_has_the_seven_classic_sigs(cli, demo_dir):
    sigs = json.loads(ok(cli(demo_dir, "sig", "list", "--json")).stdout)
    assert {sig["name"] for sig in sigs} == CLASSIC
    assert all(sig["status"] == "active" for sig in sigs)
    lecc = json.loads(ok(cli(demo_dir, "sig", "show", "lecc", "--json")).stdout)
    assert lecc["defaultLabel"] == "TLP:AMBER+STRICT"
    assert "Gil Guest (guest, active)" in lecc["participants"]
    assert any("chair" in person for person in lecc["participants"])


def test_a_member_proposes_the_board_approves_people_join_and_a_chair_invites(cli, demo_dir):
    created = ok(cli(demo_dir, "sig", "create", "cloud-ir", "--name", "Cloud Incident Response", "--as", "member@renkei-demo.example",
                     "--mission", "Respond to incidents in cloud services.", "--scope", "IaaS and SaaS.", "--deliverables", "A playbook.",
                     "--decisions", "Rough consensus.", "--approve-as", "board@renkei-demo.example"))
    assert "cloud-ir: chartered" in created.stdout
    assert "takes part in" in ok(cli(demo_dir, "sig", "join", "cloud-ir", "member@renkei-demo.example")).stdout
    assert "chairs cloud-ir until" in ok(cli(demo_dir, "sig", "chair", "cloud-ir", "member@renkei-demo.example", "--as", "board@renkei-demo.example")).stdout
    invited = ok(cli(demo_dir, "sig", "invite", "cloud-ir", "researcher@university.example", "--as", "member@renkei-demo.example")).stdout
    assert "/sig-invitations/" in invited and "researcher@university.example" in invited
    shown = json.loads(ok(cli(demo_dir, "sig", "show", "cloud-ir", "--json")).stdout)
    assert shown["status"] == "active"


@pytest.mark.parametrize("args, says", [
    (["sig", "create", "x-sig", "--name", "X", "--as", "guest@renkei-demo.example", "--mission", "M.", "--scope", "S.", "--deliverables", "D.",
      "--decisions", "C."], "Only people of active member teams propose"),
    (["sig", "create", "Bad Slug", "--name", "X", "--as", "member@renkei-demo.example", "--mission", "M.", "--scope", "S.",
      "--deliverables", "D.", "--decisions", "C."], "slug:"),
    (["sig", "create", "no-mission", "--name", "X", "--as", "member@renkei-demo.example"], "mission:"),
    (["sig", "join", "lecc", "guest@renkei-demo.example"], "already take part"),
    (["sig", "join", "abuse-handling", "applicant@renkei-demo.example"], "People of member teams join SIGs"),
    (["sig", "invite", "cvss", "someone@else.example", "--as", "member@renkei-demo.example"], "Only the SIG's chairs invite guests"),
    (["sig", "invite", "lecc", "rep@renkei-demo.example", "--as", "sigchair@renkei-demo.example"], "themselves"),
    (["sig", "show", "no-such-sig"], "there is no SIG"),
    (["sig", "join", "no-such-sig", "member@renkei-demo.example"], "There is no SIG"),
    (["sig", "frobnicate"], "usage: renkei sig"),
])
def test_refused_steps_exit_2_with_the_reason(cli, demo_dir, args, says):
    assert says in usage_error(cli(demo_dir, *args))

"""Tier webhooks (leadscore/automate/webhooks.py): a lead entering a tier is POSTed once to that
tier's URL, signed; deliveries wait in the project until the receiver is up, across a restart."""

from __future__ import annotations

import hashlib
import hmac
import json
import signal
import sqlite3
import time

import pytest

from leadscore.automate.webhooks import Webhooks, sign
from leadscore.errors import LeadScoreInputError
from tests.serving import Receiver, Server, call, free_port, new_lead_rows, train_project, wait_for

SECRET = "webhook-secret-for-the-test"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    root = tmp_path_factory.mktemp("webhook-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LEADSCORE_HOME", str(root))
        yield root


def _deliveries(project) -> list[tuple]:
    with sqlite3.connect(project.db.folder / "project.sqlite") as connection:
        return connection.execute("SELECT id, tier, attempts, sent_at FROM webhook_deliveries ORDER BY id").fetchall()


def test_the_signature_is_hmac_sha256_of_the_body():
    body = b'{"lead_id": "L-1", "tier": "Hot"}'
    assert sign(body, "k") == "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest()
    assert sign(body, "k") != sign(body + b" ", "k")


def test_webhook_options_are_checked():
    assert Webhooks.from_options(["hot=http://127.0.0.1:1/h"], "s").urls == {"Hot": "http://127.0.0.1:1/h"}
    assert Webhooks.from_options([], None) is None
    for pairs, secret, words in (
        (["Boiling=http://127.0.0.1:1/h"], "s", "TIER one of Hot, Warm, Cool, Cold"),
        (["Hot=ftp://127.0.0.1/h"], "s", "http://"),
        (["Hot=http://127.0.0.1:1/h"], None, "--webhook-secret"),
    ):
        with pytest.raises(LeadScoreInputError, match=words):
            Webhooks.from_options(pairs, secret)


def test_a_receiver_down_then_up_across_a_restart_gets_each_delivery_once_signed(home):
    project = train_project("Webhooks")
    port = free_port()
    hooks = [option for tier in ("Hot", "Warm", "Cool", "Cold") for option in ("--webhook", f"{tier}=http://127.0.0.1:{port}/{tier.lower()}")]
    arguments = ("--project", "Webhooks", *hooks, "--webhook-secret", SECRET)
    rows = {row["lead_id"]: row for row in new_lead_rows()}
    # From the sample model's scores: L-005150 Hot, L-005045 Warm, L-005002 Cool, L-005001 Cold.
    first = [rows["L-005150"], rows["L-005045"], rows["L-005002"], rows["L-005001"]]

    with Server(home, *arguments) as down:
        status, results = call(down.url + "/score", first)
        assert status == 200 and [r["tier"] for r in results] == ["Hot", "Warm", "Cool", "Cold"]
        assert call(down.url + "/score", rows["L-005001"])[1]["tier"] == "Cold"  # same tier again: no delivery
        assert wait_for(lambda: all(attempts >= 1 for _, _, attempts, _ in _deliveries(project)) and len(_deliveries(project)) == 4)
        down.stop(signal.SIGKILL)  # killed, not shut down: the deliveries wait in the project

    receiver = Receiver(port).start()
    try:
        with Server(home, *arguments) as up:
            assert wait_for(lambda: len(receiver.got) >= 4)
            moved = {**rows["L-005150"], "lead_id": "L-005001"}  # the Cold lead now looks like the Hot one
            assert call(up.url + "/score", moved)[1]["tier"] == "Hot"
            assert wait_for(lambda: len(receiver.got) >= 5)
            time.sleep(2)  # a doubled delivery would arrive now
        assert _deliveries(project)[-1][3] is not None
    finally:
        receiver.stop()

    got = [(path, headers, json.loads(body), body) for path, headers, body in receiver.got]
    assert len(got) == 5
    assert sorted((body["lead_id"], body["tier"], body["previous_tier"]) for _, _, body, _ in got) == [
        ("L-005001", "Cold", None), ("L-005001", "Hot", "Cold"), ("L-005002", "Cool", None),
        ("L-005045", "Warm", None), ("L-005150", "Hot", None),
    ]
    for path, headers, body, raw in got:
        assert path == "/" + body["tier"].lower() and headers["x-leadscore-tier"] == body["tier"]
        expected = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers["x-leadscore-signature"], expected)
        assert body["model_version"] == 1 and "conversion_probability" in body
    assert len({headers["x-leadscore-delivery"] for _, headers, _, _ in got}) == 5
    assert all(sent_at is not None for *_, sent_at in _deliveries(project))

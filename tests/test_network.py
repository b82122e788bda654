"""Privacy: the command line's whole journey opens no network connection beyond this computer.

Every connection, datagram and host-name look-up elsewhere than this computer is refused and
recorded while the journey runs (tests/network_guard.py): inspect, train with a report, score
into files, tier files and a project's history, stream one lead, the model card, the projects
list, the history and the outcome feedback. None may be attempted.
"""

from __future__ import annotations

import csv
import io
import json
import socket
import sys
import types
from pathlib import Path

import pytest

from leadscore.cli import main
from tests.network_guard import outbound_connections_refused

REPO = Path(__file__).resolve().parents[1]


def test_the_guard_refuses_and_records_a_connection_elsewhere_and_allows_this_computer(monkeypatch):
    with outbound_connections_refused(monkeypatch) as attempts:
        with socket.socket() as outside, pytest.raises(OSError, match="no connect beyond this computer"):
            outside.connect(("192.0.2.10", 443))  # TEST-NET-1: never a real host
        with pytest.raises(OSError, match="no name look-up"):
            socket.create_connection(("telemetry.example.com", 443), timeout=1)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp, pytest.raises(OSError):
            udp.sendto(b"x", ("198.51.100.7", 53))
        with socket.socket() as server:
            server.bind(("127.0.0.1", 0))
            server.listen()
            with socket.create_connection(server.getsockname(), timeout=5):
                pass  # loopback is this computer: allowed
    assert attempts == [
        "connect ('192.0.2.10', 443)",
        "name look-up 'telemetry.example.com'",
        "sendto ('198.51.100.7', 53)",
    ]


def test_the_command_line_journey_opens_no_connection_beyond_this_computer(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LEADSCORE_HOME", str(tmp_path / "home"))
    lines = (REPO / "sample_data" / "leads.csv").read_bytes().splitlines(keepends=True)
    history = tmp_path / "history.csv"
    history.write_bytes(b"".join(lines[:1501]))
    new_leads = REPO / "sample_data" / "new_leads.csv"
    model, out = tmp_path / "model.leadscore", tmp_path / "out"
    out.mkdir()
    with new_leads.open(encoding="utf-8") as handle:
        one_lead = json.dumps(next(csv.DictReader(handle)))
    with outbound_connections_refused(monkeypatch) as attempts:
        assert main(["inspect", str(history), "--json"]) == 0
        assert main(["train", str(history), "--out", str(model), "--model", "logistic", "--report", str(out / "report.json"),
                     "--project", "Spring leads"]) == 0
        assert main(["score", str(model), str(new_leads), "--out", str(out / "scored.csv"), "--split-tiers", str(out / "tiers"),
                     "--project", "Spring leads", "--summary-json", str(out / "summary.json")]) == 0
        monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(one_lead.encode() + b"\n")))
        assert main(["score", str(model), "-"]) == 0
        assert main(["card", str(model)]) == 0
        assert main(["projects"]) == 0
        assert main(["history", "Spring leads"]) == 0
        assert main(["feedback", "Spring leads", str(history)]) == 0
    output, errors = capsys.readouterr()
    assert attempts == [], attempts
    # The journey did run: the files are there, and the streamed lead got its tier.
    assert sorted(p.name for p in out.iterdir()) == ["report.json", "scored.csv", "summary.json", "tiers"]
    assert '"tier": ' in output

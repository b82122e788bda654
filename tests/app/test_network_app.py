"""Privacy: the app's whole journey opens no network connection beyond this computer.

Every connection, datagram and host-name look-up elsewhere is refused and recorded
(tests/network_guard.py) while one session uploads leads, confirms the cleaning, trains in the
background, looks at the insights and tiers, and scores the sample new leads.
"""

from __future__ import annotations

from tests.app.conftest import button, go, new_app, problems, project, train_journey
from tests.network_guard import outbound_connections_refused


def test_the_apps_journey_opens_no_connection_beyond_this_computer(small_history, monkeypatch):
    with outbound_connections_refused(monkeypatch) as attempts:
        at = train_journey(new_app(), small_history)
        assert project(at).models.has_model
        go(at, "Insights")
        go(at, "Tiers")
        at = go(at, "Score")
        at.radio(key=f"score_source:{project(at).id}").set_value("The sample new leads").run()
        button(at, "Score 500 leads").click().run()
    assert problems(at) == []
    assert len(project(at).scoring.last.scored) == 500  # the journey did run to the call list
    assert attempts == [], attempts

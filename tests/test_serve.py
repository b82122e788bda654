"""`leadscore serve` (leadscore/automate/server.py): a real server process, a real HTTP client.

One lead gets exactly the line `leadscore score MODEL -` writes for it (plus the model version),
a list keeps its order, bad input always gets a 4xx with a JSON error and the server goes on,
the token is checked, and with --project every answered lead is in the project's history.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys

import pytest

from tests.serving import TOKEN, Server, call, command_line, env, new_lead_rows, train_project


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LEADSCORE_HOME", str(root))
        yield root


@pytest.fixture(scope="module")
def project(home):
    return train_project("Serve test")


@pytest.fixture(scope="module")
def server(home, project):
    with Server(home, "--project", "Serve test") as running:
        yield running


def test_one_lead_gets_exactly_the_command_line_answer(home, project, server):
    lead = new_lead_rows(1)[0]
    expected = command_line(home, project.db.model_path(1), lead)
    status, result = call(server.url + "/score", lead)
    assert status == 200
    assert result == {**expected, "model_version": 1}
    assert result["lead_id"] == "L-005001" and result["tier"] in ("Hot", "Warm", "Cool", "Cold")


def test_a_list_of_leads_is_answered_in_the_same_order(server):
    leads = new_lead_rows(5)
    leads[2] = {key: value for key, value in leads[2].items() if key != "budget_range"}  # other fields: scored apart
    status, results = call(server.url + "/score", leads[::-1])
    assert status == 200
    assert [r["lead_id"] for r in results] == ["L-005005", "L-005004", "L-005003", "L-005002", "L-005001"]
    for lead in leads:
        _, alone = call(server.url + "/score", lead)
        assert alone == next(r for r in results if r["lead_id"] == lead["lead_id"])


DEEP = ('{"a":' * 100_000 + "1" + "}" * 100_000).encode()
BAD_BODIES = {
    "not JSON": (b'{"lead_id": "L-1", "pages_viewed": ', 400, "not valid JSON"),
    "not an object": (b'"hello"', 400, "not a JSON object"),
    "empty": (b"", 400, "no lead"),
    "empty list": (b"[]", 400, "empty"),
    "a list of numbers": (b"[1, 2]", 400, "Lead 1 of the list is not a JSON object"),
    "100,000 deep": (DEEP, 400, "nested 100,000 levels deep"),
    "5,000 digits": (('{"lead_id": "L-1", "pages_viewed": ' + "9" * 5000 + "}").encode(), 400, "5,000 digits"),
    "missing what the model reads": (b'{"lead_id": "L-1", "colour": "blue"}', 422, "None of the columns the model reads"),
    "too many leads": (json.dumps([{}] * 10_001).encode(), 413, "at most 10,000"),
    "not UTF-8": (b'{"a": "\xff\xfe\xfa"}', 400, "not UTF-8"),
}


@pytest.mark.parametrize("name", list(BAD_BODIES))
def test_bad_input_gets_a_4xx_with_what_to_fix_and_the_server_goes_on(server, name):
    body, status, words = BAD_BODIES[name]
    got, answer = call(server.url + "/score", raw=body)
    assert got == status
    assert words in answer["error"]
    assert call(server.url + "/health")[0] == 200


def test_one_bad_lead_in_a_list_is_named_and_nothing_is_scored(server):
    leads = new_lead_rows(3)
    leads[1] = {"lead_id": "L-X", "colour": "blue"}
    status, answer = call(server.url + "/score", leads)
    assert status == 422
    assert answer["leads"][0]["lead"] == 2 and "1 of the 3 leads" in answer["error"]


def test_a_body_over_the_size_limit_gets_413(server):
    host, port = server.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.putrequest("POST", "/score")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(50 * 1024 * 1024))
    connection.endheaders()
    connection.send(b"[" + b'{"a": 1},' * 1000)
    answer = connection.getresponse()
    assert answer.status == 413 and "at most 10,485,760" in json.loads(answer.read())["error"]
    connection.close()
    assert call(server.url + "/health")[0] == 200


def test_unknown_paths_and_methods_answer_json(server):
    assert call(server.url + "/nothing")[0] == 404
    status, answer = call(server.url + "/score")  # GET
    assert status == 405 and "POST" in answer["error"]


def test_health_and_model_say_what_scores(server):
    status, health = call(server.url + "/health")
    assert status == 200 and health["status"] == "ok" and health["model_version"] == 1 and health["verdict"]
    status, model = call(server.url + "/model")
    names = [column["name"] for column in model["columns"]]
    assert status == 200 and "pages_viewed" in names and "lead_id" not in names
    assert model["tiers"]["hot"] == 0.7 and model["key"]["column"] == "lead_id"


def test_every_answered_lead_is_in_the_project_history(server, project):
    lead = {**new_lead_rows(7)[6], "lead_id": "L-HISTORY"}
    status, result = call(server.url + "/score", lead)
    assert status == 200
    history = project.db.lead_history("L-HISTORY")
    assert len(history) == 1 and history["probability"].iloc[0] == pytest.approx(result["conversion_probability"], abs=1e-4)
    runs = project.db.runs()
    served = runs[runs["source"] == "leadscore serve"]
    assert len(served) == 1 and served["rows"].iloc[0] == served["summary"].iloc[0]["rows"] >= 1


def test_a_version_made_current_elsewhere_is_used_from_the_next_request(server, project):
    from leadscore.model.train import TrainingSettings

    lead = new_lead_rows(1)[0]
    project.training.train(TrainingSettings(model="forest"))  # version 2 becomes current, as the app does
    try:
        status, result = call(server.url + "/score", lead)
        assert status == 200 and result["model_version"] == 2
        assert call(server.url + "/health")[1]["model_version"] == 2
    finally:
        project.models.make_current(1)
    assert call(server.url + "/score", lead)[1]["model_version"] == 1


def test_tiers_changed_in_the_app_are_used_from_the_next_request(server, project):
    from leadscore.model.tiers import TierPolicy

    lead = new_lead_rows(1)[0]  # about 1% likely: Cold with the default tiers
    assert call(server.url + "/score", lead)[1]["tier"] == "Cold"
    project.models.set_policy(TierPolicy(hot=0.005, warm=0.002, cool=0.001))  # a draft on the Tiers page
    try:
        answer = call(server.url + "/score", lead)[1]
        assert answer["tier"] == "Hot", (answer["conversion_probability"], answer["next_action"])
    finally:
        project.models.set_policy(TierPolicy())
    assert call(server.url + "/score", lead)[1]["tier"] == "Cold"


def test_the_token_is_required_and_accepted(home, project):
    with Server(home, "--project", "Serve test", "--token", TOKEN) as guarded:
        lead = new_lead_rows(1)[0]
        assert call(guarded.url + "/score", lead)[0] == 401
        status, answer = call(guarded.url + "/score", lead, token=TOKEN[:-1] + "X")
        assert status == 401 and "Authorization: Bearer" in answer["error"]
        assert call(guarded.url + "/health")[0] == 401
        assert call(guarded.url + "/score", lead, token=TOKEN)[0] == 200


def test_another_address_is_refused_without_a_token(home, project):
    done = subprocess.run(
        [sys.executable, "-m", "leadscore.cli", "serve", "--project", "Serve test", "--host", "0.0.0.0"],
        capture_output=True, text=True, env=env(home), timeout=120,
    )
    assert done.returncode == 2
    assert "--token" in done.stderr and "Traceback" not in done.stderr


def test_webhooks_without_a_project_say_what_they_need(home, project):
    done = subprocess.run(
        [sys.executable, "-m", "leadscore.cli", "serve", str(project.db.model_path(1)), "--webhook", "Hot=http://127.0.0.1:9/x", "--webhook-secret", "s"],
        capture_output=True, text=True, env=env(home), timeout=120,
    )
    assert done.returncode == 2 and "Webhooks need a project" in done.stderr


def test_the_log_names_no_lead_data(server):
    call(server.url + "/score", {**new_lead_rows(1)[0], "lead_id": "L-SECRET-42", "email": "secret@example.com"})
    log = "".join(server.lines)
    assert "POST /score 200" in log
    assert "L-SECRET-42" not in log and "secret@example.com" not in log and "Grace" not in log


def test_the_automate_snippets_work_as_shown(server, project):
    from leadscore.automate import automation_snippets

    port = int(server.url.rsplit(":", 1)[1])
    snippets = automation_snippets(project.models.bundle().schema, project="Serve test", port=port)
    assert snippets["serve"] == f"leadscore serve --project 'Serve test' --port {port}"
    assert snippets["watch"] == "leadscore watch ~/LeadScore/inbox --project 'Serve test' --out ~/LeadScore/scored"
    done = subprocess.run(["bash", "-c", snippets["curl"]], capture_output=True, text=True, timeout=60)
    answer = json.loads(done.stdout)
    assert answer["model_version"] == 1 and answer["tier"] in ("Hot", "Warm", "Cool", "Cold") and "warnings" not in answer
    node = json.loads(snippets["n8n"])["nodes"][0]
    assert node["type"] == "n8n-nodes-base.httpRequest" and node["parameters"]["url"] == server.url + "/score"
    status, scored = call(node["parameters"]["url"], raw=node["parameters"]["jsonBody"].encode())
    assert status == 200 and scored == answer


def test_the_snippets_carry_the_token_and_a_model_file():
    from leadscore.automate import automation_snippets

    snippets = automation_snippets(None, model_path="models/my model.leadscore", token=TOKEN)
    assert snippets["serve"] == f"leadscore serve 'models/my model.leadscore' --token {TOKEN}"
    assert f"-H 'Authorization: Bearer {TOKEN}'" in snippets["curl"]
    headers = json.loads(snippets["n8n"])["nodes"][0]["parameters"]["headerParameters"]["parameters"]
    assert headers == [{"name": "Authorization", "value": f"Bearer {TOKEN}"}]

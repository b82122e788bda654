"""The project store under real faults: a cut database, a full disk, a read-only disk, another
user's folder, a umask of 022, and kills at random points.

Each fault is made for real where this machine allows it (a small tmpfs that fills, a read-only
bind mount, a process run as user ``nobody``: all need root); a test that cannot make its fault
is skipped with the reason, never passed. Each asserts what the user reads (one ``error:`` line
naming the fault, the path and what to do), the exit code (2, through ``leadscore.cli.main``),
and that nothing was lost (the project and its runs as before) or left behind (no stray
project folder, no temporary file).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from leadscore.cli import main
from leadscore.errors import LeadScoreInputError
from leadscore.project.store import ProjectStore

REPO = Path(__file__).resolve().parents[1]
NEW_LEADS = REPO / "sample_data" / "new_leads.csv"
HISTORY_ROWS = 800  # the first 800 leads of sample_data/leads.csv


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A LeadScore home with one project, 'Spring leads' (800 leads, model v1, one run), made once."""
    root = tmp_path_factory.mktemp("faults")
    history = root / "history.csv"
    lines = (REPO / "sample_data" / "leads.csv").read_bytes().splitlines(keepends=True)
    history.write_bytes(b"".join(lines[: HISTORY_ROWS + 1]))
    home = root / "home"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LEADSCORE_HOME", str(home))
        assert main(["train", str(history), "--project", "Spring leads", "--model", "logistic"]) == 0
        (project,) = ProjectStore().list()
        model = home / "projects" / project.id / "models" / "v1.leadscore"
        assert main(["score", str(model), str(NEW_LEADS), "--project", "Spring leads", "--out", str(root / "first.csv")]) == 0
    return home, history, project.id


@pytest.fixture
def home(trained, tmp_path, monkeypatch):
    """A copy of the trained home (its key and project) as LEADSCORE_HOME, and the model to score with."""
    source, history, project_id = trained
    copy = tmp_path / "home"
    shutil.copytree(source, copy)
    monkeypatch.setenv("LEADSCORE_HOME", str(copy))
    return copy, history, project_id


def _cli(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def _one_error(err: str) -> str:
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, err
    assert "unexpected" not in err and "Traceback" not in err
    return errors[0]


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _left_behind(folder: Path) -> list[str]:
    return [str(p) for p in folder.rglob("*") if p.name.endswith((".partial", ".probe")) or p.name.startswith((".creating-", "pending-"))]


def _mount(*args) -> None:
    result = subprocess.run(["mount", *args], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount here ({' '.join(args)}): {result.stderr.strip()}")


def _umount(target: Path) -> None:
    subprocess.run(["umount", "-l", str(target)], capture_output=True)


# --------------------------------------------------------------------------------------------
# A damaged project: its database cut short


def test_a_cut_database_is_named_damaged_and_never_replaced_by_a_new_project(home, tmp_path, capsys):
    folder_home, _, project_id = home
    folder = folder_home / "projects" / project_id
    database = folder / "project.sqlite"
    database.write_bytes(database.read_bytes()[: database.stat().st_size // 2])
    before = sorted(os.listdir(folder_home / "projects"))

    code, out, _ = _cli(capsys, "projects")
    assert code == 0
    assert f"{project_id}  Spring leads" in out and "is damaged" in out  # by its name, not only its id

    code, _, err = _cli(capsys, "history", "Spring  leads")  # typed with two spaces
    assert code == 2
    line = _one_error(err)
    assert "The project 'Spring leads' is damaged" in line and str(database) in line
    assert f"Still readable: its {HISTORY_ROWS:,} leads" in line and "1 model file(s)" in line
    assert "There is no project" not in line

    model = folder / "models" / "v1.leadscore"
    code, _, err = _cli(capsys, "score", model, NEW_LEADS, "--project", "Spring leads", "--out", tmp_path / "scored.csv")
    assert code == 2 and "is damaged" in _one_error(err)
    assert sorted(os.listdir(folder_home / "projects")) == before  # no second 'Spring leads'
    with pytest.raises(LeadScoreInputError, match="is damaged"):
        ProjectStore().find_or_create("spring leads")
    assert sorted(os.listdir(folder_home / "projects")) == before


def test_names_are_found_as_shown_whatever_the_spaces_or_case(tmp_path):
    store = ProjectStore(tmp_path / "projects")
    made = store.create("Spring  leads ")
    assert [info.name for info in store.list()] == ["Spring leads"]
    assert store.find("Spring leads") == store.find("spring   LEADS") == made.id
    assert store.find_or_create("Spring\tleads").id == made.id
    assert len(store.list()) == 1
    made.set_meta(name="Autumn   leads")  # renamed as typed: saved as shown
    assert store.find("Autumn leads") == made.id and store.find("Spring leads") is None


# --------------------------------------------------------------------------------------------
# A full disk (a small tmpfs that fills)


@pytest.fixture
def small_disk(tmp_path):
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    _mount("-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mount_point))
    yield mount_point
    _umount(mount_point)


def _fill(disk: Path) -> None:
    with open(disk / "filler", "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError:
            pass
        try:
            while True:
                handle.write(b"\0")
        except OSError:
            pass
    assert os.statvfs(disk).f_bfree == 0


def test_a_full_disk_is_called_full_and_the_project_keeps_what_it_had(home, small_disk, tmp_path, capsys, monkeypatch):
    folder_home, _, project_id = home
    on_disk = small_disk / "home"
    shutil.copytree(folder_home, on_disk)
    monkeypatch.setenv("LEADSCORE_HOME", str(on_disk))
    folder = on_disk / "projects" / project_id
    runs_before = ProjectStore().open(project_id).runs()["rows"].tolist()
    assert runs_before == [500]
    _fill(small_disk)

    model = folder / "models" / "v1.leadscore"
    code, _, err = _cli(capsys, "score", model, NEW_LEADS, "--project", "Spring leads", "--out", tmp_path / "scored.csv")
    line = _one_error(err)
    assert code == 2
    assert f"the disk under {folder} is full. Free some space on it" in line
    assert "this run was not recorded in the project, which is as it was" in line
    assert "damaged" not in line and "Delete" not in line

    code, out, _ = _cli(capsys, "projects")  # the project still reads, intact, on the full disk
    assert code == 0 and "Spring leads  800 leads, 1 model version(s)" in out and "(" not in out.split("changed")[1]

    (small_disk / "filler").unlink()
    assert ProjectStore().open(project_id).runs()["rows"].tolist() == runs_before  # nothing lost, no half run
    assert _left_behind(on_disk) == []


def test_a_project_that_cannot_be_created_on_a_full_disk_leaves_no_folder(small_disk, trained, capsys, monkeypatch):
    _, history, _ = trained
    monkeypatch.setenv("LEADSCORE_HOME", str(small_disk / "home"))
    (small_disk / "home").mkdir()
    shutil.copy(trained[0] / "signing.key", small_disk / "home" / "signing.key")
    _fill(small_disk)
    code, _, err = _cli(capsys, "train", history, "--project", "Autumn leads", "--model", "logistic")
    line = _one_error(err)
    assert code == 2
    assert "The project 'Autumn leads' could not be created" in line and "is full" in line
    assert "no project was created" in line
    projects = small_disk / "home" / "projects"
    assert not projects.exists() or os.listdir(projects) == []
    assert ProjectStore().list() == []


# --------------------------------------------------------------------------------------------
# A read-only disk (a read-only bind mount)


@pytest.fixture
def read_only_home(home, tmp_path):
    folder_home, history, project_id = home
    view = tmp_path / "read-only"
    view.mkdir()
    _mount("--bind", str(folder_home), str(view))
    try:
        _mount("-o", "remount,ro,bind", str(view))
        yield view, history, project_id
    finally:
        _umount(view)


def test_a_read_only_home_reads_its_projects_and_says_why_it_cannot_write(read_only_home, tmp_path, capsys, monkeypatch):
    view, history, project_id = read_only_home
    monkeypatch.setenv("LEADSCORE_HOME", str(view))
    before = _files(view)

    code, out, _ = _cli(capsys, "projects")
    assert code == 0 and f"{project_id}  Spring leads  800 leads" in out
    assert "damaged" not in out  # an intact project on a read-only disk is intact

    code, out, _ = _cli(capsys, "history", "Spring leads")
    assert code == 0 and "500 leads from new_leads.csv" in out

    folder = view / "projects" / project_id
    code, _, err = _cli(capsys, "score", folder / "models" / "v1.leadscore", NEW_LEADS, "--project", "Spring leads", "--out", tmp_path / "s.csv")
    line = _one_error(err)
    assert code == 2 and f"the disk under {folder} is read-only. Make it writable, or set LEADSCORE_HOME" in line
    assert "this run was not recorded" in line and "Nothing was written" not in line

    code, _, err = _cli(capsys, "train", history, "--project", "Autumn leads", "--model", "logistic")
    line = _one_error(err)
    assert code == 2 and "could not be created" in line and "is read-only" in line and "no project was created" in line
    assert _files(view) == before  # nothing changed, nothing left


def test_train_with_a_read_only_home_and_no_key_says_what_to_do(tmp_path, trained, capsys, monkeypatch):
    _, history, _ = trained
    empty = tmp_path / "empty-home"
    empty.mkdir()
    _mount("--bind", str(empty), str(empty))
    try:
        _mount("-o", "remount,ro,bind", str(empty))
        monkeypatch.setenv("LEADSCORE_HOME", str(empty))
        code, _, err = _cli(capsys, "train", history, "--out", tmp_path / "model.leadscore", "--model", "logistic")
    finally:
        _umount(empty)
    line = _one_error(err)
    assert code == 2
    assert f"LeadScore cannot keep its signing key in {empty}: the disk under {empty} is read-only" in line
    assert "set LEADSCORE_HOME to a folder you can write to" in line
    assert not (tmp_path / "model.leadscore").exists() and os.listdir(empty) == []


# --------------------------------------------------------------------------------------------
# Permission denied (another user's folder), the store private whatever the umask


def _as_nobody(home: Path, *args) -> subprocess.CompletedProcess:
    if shutil.which("setpriv") is None or os.geteuid() != 0:
        pytest.skip("needs root and setpriv to run LeadScore as another user")
    command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m", "leadscore.cli", *map(str, args)]
    environment = {**os.environ, "LEADSCORE_HOME": str(home), "PYTHONPATH": str(REPO), "HOME": str(home)}
    return subprocess.run(command, capture_output=True, text=True, env=environment, cwd="/", timeout=120)


@pytest.fixture
def shared_folder():
    """A folder user ``nobody`` can reach (pytest's own temporary folders are private)."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="leadscore-shared-", dir="/tmp"))
    os.chmod(folder, 0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_store_of_another_user_is_refused_as_permission_denied(trained, shared_folder):
    source, _, project_id = trained
    home = shared_folder / "home"
    shutil.copytree(source, home)
    for path in [home, *home.rglob("*")]:  # an old store: readable by all, writable by root only
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    out = shared_folder / "out"
    out.mkdir()
    os.chmod(out, 0o777)
    before = _files(home)
    model = home / "projects" / project_id / "models" / "v1.leadscore"
    result = _as_nobody(home, "score", model, NEW_LEADS, "--project", "Autumn leads", "--out", out / "scored.csv")
    line = _one_error(result.stderr)
    assert result.returncode == 2, result.stderr
    assert "could not be created" in line and "(permission denied)" in line and "no project was created" in line
    assert _files(home) == before


def test_the_store_is_private_to_its_user_with_a_umask_of_022(trained, tmp_path):
    _, history, _ = trained
    home = tmp_path / "home"
    script = (
        "import os, sys; os.umask(0o022); from leadscore.cli import main; "
        f"assert main(['train', {str(history)!r}, '--project', 'Private', '--model', 'logistic']) == 0; "
        "from leadscore.project.store import ProjectStore; "
        "(p,) = ProjectStore().list(); "
        f"sys.exit(main(['score', os.path.join({str(home)!r}, 'projects', p.id, 'models', 'v1.leadscore'), {str(NEW_LEADS)!r}, '--project', 'Private', '--out', {str(tmp_path / 'shared' / 'out.csv')!r}]))"
    )
    environment = {**os.environ, "LEADSCORE_HOME": str(home), "PYTHONPATH": str(REPO)}
    (tmp_path / "shared").mkdir()
    os.chmod(tmp_path / "shared", 0o755)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=environment, timeout=300)
    assert result.returncode == 0, result.stderr
    modes = {str(p.relative_to(home)): stat.S_IMODE(p.stat().st_mode) for p in [home, *home.rglob("*")]}
    folders = {name for name in modes if (home / name).is_dir()}
    assert {name for name in folders if modes[name] != 0o700} == set(), modes
    assert {name for name in modes if name not in folders and modes[name] != 0o600} == set(), modes
    names = {Path(name).name for name in modes}
    assert {"project.sqlite", "leads.parquet", "v1.leadscore", "signing.key", "name.json"} <= names
    assert stat.S_IMODE((tmp_path / "shared" / "out.csv").stat().st_mode) == 0o644  # the user's own output reads as usual


# --------------------------------------------------------------------------------------------
# Kills at random points while the store writes

_WRITER = """
import sys
import pandas as pd
from leadscore.project.store import ProjectStore

store = ProjectStore(sys.argv[1])
leads = pd.DataFrame({"lead_id": [f"L-{i}" for i in range(3000)], "pages": range(3000)})
scored = leads.assign(tier="Warm", note="x" * 40)
print("writing", flush=True)
for round in range(1000):
    db = store.create(f"Killed {round}", leads=leads)
    for run in range(1):
        db.record_run(None, "stdin", {"round": round}, pd.DataFrame({"key": leads["lead_id"], "probability": 0.5, "tier": "Warm"}), scored)
        db.set_meta(rows=len(leads), note=f"after run {run}")
"""


def test_kills_at_random_points_never_damage_the_store_nor_leave_files_behind(tmp_path):
    root = tmp_path / "projects"
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    generator = random.Random(25)
    for _ in range(12):
        writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(root)], env=environment, stdout=subprocess.PIPE, text=True)
        assert writer.stdout.readline() == "writing\n"
        time.sleep(generator.random() * 0.4)  # somewhere in the writes
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
        store = ProjectStore(root)
        for info in store.list():
            assert info.problem is None, info.problem  # never damaged by a kill
            db = store.open(info.id)
            for run in db.runs().itertuples():
                assert len(db.run_leads(run.run)) == run.rows == 3000  # a run is whole or absent
            assert len(db.load_leads()) == 3000  # a project is listed only once its leads are in
    # The next write clears what the killed writers left (their processes are gone).
    store = ProjectStore(root)
    db = store.create("After the kills", leads=pd.DataFrame({"lead_id": ["A"]}))
    for info in store.list():
        store.open(info.id).record_run(None, "stdin", {}, pd.DataFrame({"key": ["A"], "probability": [0.5], "tier": ["Warm"]}), pd.DataFrame({"lead_id": ["A"]}))
    assert _left_behind(root) == []
    assert db.id in {info.id for info in store.list()}


def test_kills_while_scoring_into_a_file_leave_no_temporary_file_after_the_next_run(trained, tmp_path):
    home, _, project_id = trained
    model = home / "projects" / project_id / "models" / "v1.leadscore"
    bigger = tmp_path / "leads.csv"
    lines = NEW_LEADS.read_bytes().splitlines(keepends=True)
    bigger.write_bytes(lines[0] + b"".join(lines[1:] * 8))  # 4,000 leads: long enough to be killed midway
    out = tmp_path / "out" / "scored.csv"
    out.parent.mkdir()
    environment = {**os.environ, "PYTHONPATH": str(REPO), "LEADSCORE_HOME": str(home)}
    command = [sys.executable, "-m", "leadscore.cli", "score", str(model), str(bigger), "--out", str(out)]
    generator = random.Random(7)
    for _ in range(4):
        writer = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0 + generator.random() * 2.0)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        assert not out.exists() or len(pd.read_csv(out)) == 4000  # the output is whole or absent
    finished = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert os.listdir(out.parent) == ["scored.csv"]  # what the killed runs left is gone
    assert len(pd.read_csv(out)) == 4000

"""Files written whole or not at all, never over their own input (leadscore/io/atomic.py)."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from leadscore.io.atomic import atomic_output, check_output_path, same_file
from leadscore.errors import LeadScoreInputError


def test_a_complete_write_replaces_the_file(tmp_path):
    target = tmp_path / "scored.csv"
    target.write_bytes(b"old\n")
    with atomic_output(target) as handle:
        handle.write(b"lead_id,score\n")
        assert target.read_bytes() == b"old\n"  # readers see the old file until the new one is whole
    assert target.read_bytes() == b"lead_id,score\n"
    assert os.listdir(tmp_path) == ["scored.csv"]


def test_an_error_inside_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "scored.csv"
    target.write_bytes(b"old\n")
    with pytest.raises(RuntimeError, match="scoring failed"):
        with atomic_output(target, "w", encoding="utf-8") as handle:
            handle.write("half of the new")
            raise RuntimeError("scoring failed")
    assert target.read_bytes() == b"old\n"
    assert os.listdir(tmp_path) == ["scored.csv"]


def test_an_error_before_the_first_write_leaves_no_file_at_all(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        with atomic_output(tmp_path / "new.csv"):
            raise KeyboardInterrupt
    assert os.listdir(tmp_path) == []


def test_the_new_file_reads_like_any_other_file(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o755)  # pytest's tmp_path is private (0700): see the next test
    target = shared / "report.json"
    with atomic_output(target, "w", encoding="utf-8") as handle:
        handle.write("{}")
    mode = stat.S_IMODE(os.stat(target).st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask  # not the temporary file's private 0600


def test_a_file_in_a_private_folder_stays_private_whatever_the_umask(tmp_path):
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    previous = os.umask(0o022)
    try:
        with atomic_output(private / "leads.parquet") as handle:
            handle.write(b"PAR1")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(os.stat(private / "leads.parquet").st_mode) == 0o600


def test_a_temporary_file_left_by_a_killed_writer_goes_with_the_next_write(tmp_path):
    import subprocess
    import sys

    # A writer killed midway leaves its temporary file; its process id is in the name.
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left = tmp_path / f".scored.csv.{int(dead.stdout)}-abcd1234.partial"
    left.write_bytes(b"")
    alive = tmp_path / f".scored.csv.{os.getpid()}-efgh5678.partial"  # a writer still at work
    alive.write_bytes(b"half")
    with atomic_output(tmp_path / "scored.csv") as handle:
        handle.write(b"lead_id\n")
    assert sorted(os.listdir(tmp_path)) == [alive.name, "scored.csv"]


def test_outputs_that_cannot_be_written_whole_are_refused_in_plain_words(tmp_path):
    leads = tmp_path / "leads.csv"
    leads.write_text("lead_id\n1\n")
    with pytest.raises(LeadScoreInputError, match="is also the file being read"):
        check_output_path(leads, inputs=[leads], what="the scored leads")
    with pytest.raises(LeadScoreInputError, match=r"is a folder. Give a file name for the model, e.g. '.*model\.leadscore'"):
        check_output_path(tmp_path, what="the model", example="leads-model.leadscore")
    with pytest.raises(LeadScoreInputError, match="does not exist. Create it first"):
        check_output_path(tmp_path / "nowhere" / "out.csv")
    with pytest.raises(LeadScoreInputError, match="is a file, not a folder"):
        check_output_path(leads / "out.csv")
    assert check_output_path(tmp_path / "out.csv", inputs=[leads]) == tmp_path / "out.csv"
    assert leads.read_text() == "lead_id\n1\n"


def test_same_file_sees_through_links_and_other_spellings(tmp_path):
    leads = tmp_path / "leads.csv"
    leads.write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.csv").symlink_to(leads)
    assert same_file(leads, tmp_path / "sub" / ".." / "leads.csv")
    assert same_file(leads, tmp_path / "link.csv")
    assert not same_file(leads, tmp_path / "other.csv")


def test_a_folder_that_takes_no_files_is_refused_in_plain_words_and_nothing_is_left(unwritable_folder):
    target = unwritable_folder / "scored.csv"
    with pytest.raises(LeadScoreInputError, match=r"Choose a folder you can write to for the scored leads") as refused:
        check_output_path(target, what="the scored leads")
    assert str(target) in str(refused.value)
    with pytest.raises(LeadScoreInputError, match=r"cannot write .*scored\.csv.*Choose a folder you can write to"):
        with atomic_output(target) as handle:
            handle.write(b"lead_id\n")
    assert not target.exists()


def test_a_disk_that_fills_up_at_the_end_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "leads-model.leadscore"
    target.write_bytes(b"the previous model")

    def full_disk(descriptor):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(LeadScoreInputError, match=r"\(the disk is full\)\. Free some space.*the file already there is kept"):
        with atomic_output(target) as handle:
            handle.write(b"the new model")
    assert target.read_bytes() == b"the previous model"
    assert os.listdir(tmp_path) == ["leads-model.leadscore"]

"""The staged-file sweep: temp files a killed process left in the outbox are published from the database when
their message is stored, removed when it is not, and left alone while young or when they are not ours."""

import os
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from declarations.messages import exchange
from declarations.models import Declaration, RenderedMessage
from declarations.services.outbox_sweep import outbox_staged_sweep
from declarations.services.submission import declaration_render
from declarations.tasks import outbox_staged_sweep_task

pytestmark = pytest.mark.django_db

HOUR = 3600


@pytest.fixture
def outbox(settings, tmp_path):
    settings.OUTBOX_DIR = tmp_path / "outbox"
    settings.OUTBOX_STAGED_MAX_AGE = HOUR
    return settings.OUTBOX_DIR


@pytest.fixture
def killed_before_the_renames(submitted, outbox, monkeypatch):
    """A declaration whose render committed (messages stored, SENT) and whose worker died before renaming."""

    def killed(*, staged):
        raise SystemExit("killed")

    monkeypatch.setattr(exchange, "outbox_publish", killed)
    with pytest.raises(SystemExit):
        declaration_render(declaration_id=submitted.pk, version=1)
    monkeypatch.undo()
    return Declaration.objects.get(pk=submitted.pk)


def _age(path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def _staged(outbox) -> list:
    return sorted(p.name for p in outbox.iterdir() if p.name.endswith(".tmp"))


def test_files_of_stored_messages_are_published_from_the_database(killed_before_the_renames, outbox):
    stored = {m.file_name: bytes(m.content) for m in RenderedMessage.objects.all()}
    assert len(_staged(outbox)) == 3 and not list(outbox.glob("*.xml"))
    for path in outbox.iterdir():
        _age(path, HOUR + 5)

    result = outbox_staged_sweep()

    assert (result.published, result.removed, result.conflicts) == (3, 3, [])
    assert {p.name: p.read_bytes() for p in outbox.iterdir()} == stored  # and no temp file left


def test_a_redelivered_task_s_leftovers_are_removed_and_the_files_stay(killed_before_the_renames, outbox):
    for path in outbox.iterdir():
        _age(path, HOUR + 5)
    declaration_render(declaration_id=killed_before_the_renames.pk, version=1)  # the redelivery
    visible = {p.name: p.read_bytes() for p in outbox.glob("*.xml")}
    assert len(visible) == 3 and len(_staged(outbox)) == 3

    result = outbox_staged_sweep()

    assert (result.published, result.removed) == (0, 3)
    assert {p.name: p.read_bytes() for p in outbox.iterdir()} == visible


def test_files_whose_transaction_never_committed_are_removed(outbox):
    staged = exchange.outbox_stage_many(
        directory=outbox, files=[("CEB303_0A1B2C3D-0000-4000-8000-000000000001.xml", b"<never/>")]
    )
    _age(staged[0].temp, HOUR + 5)

    result = outbox_staged_sweep()

    assert (result.published, result.removed) == (0, 1)
    assert list(outbox.iterdir()) == []


def test_young_files_and_other_programs_files_are_left_alone(killed_before_the_renames, outbox):
    ours = _staged(outbox)
    foreign = [".CEB303_client-temp.xml.part", ".hidden.tmp", "notes.txt"]
    for name in foreign:
        (outbox / name).write_bytes(b"x")
        _age(outbox / name, HOUR + 5)
    for name in ours:
        _age(outbox / name, HOUR - 60)  # staged 59 minutes ago: perhaps still in its transaction

    result = outbox_staged_sweep()

    assert (result.published, result.removed) == (0, 0)
    assert sorted(p.name for p in outbox.iterdir()) == sorted(ours + foreign)
    result = outbox_staged_sweep(older_than=timedelta(minutes=30))
    assert (result.published, result.removed) == (3, 3)
    assert len(list(outbox.glob("*.xml"))) == 3
    assert sorted(p.name for p in outbox.iterdir() if not p.name.endswith(".xml")) == sorted(foreign)


def test_a_file_in_place_with_other_bytes_is_a_conflict_and_its_temp_file_is_kept(
    killed_before_the_renames, outbox
):
    message = RenderedMessage.objects.order_by("message_type").first()
    (outbox / message.file_name).write_bytes(b"<something else/>")
    for path in outbox.iterdir():
        _age(path, HOUR + 5)

    result = outbox_staged_sweep()

    assert result.conflicts == [message.file_name]
    assert (result.published, result.removed) == (2, 2)
    assert (outbox / message.file_name).read_bytes() == b"<something else/>"
    assert len(_staged(outbox)) == 1 and _staged(outbox)[0].startswith(f".{message.file_name}.")


def test_the_beat_task_and_the_command_run_the_sweep(killed_before_the_renames, outbox):
    for path in outbox.iterdir():
        _age(path, 120)
    assert outbox_staged_sweep_task() == {"published": 0, "removed": 0, "conflicts": []}

    out = StringIO()
    call_command("sweep_outbox", "--older-than", "60", stdout=out)

    assert out.getvalue().strip() == "已发布 3 个、删除 3 个暂存文件；冲突 0 个。"  # zh-hans, the default
    assert len(list(outbox.glob("*.xml"))) == 3 and _staged(outbox) == []


def test_a_missing_outbox_is_nothing_to_sweep(settings, tmp_path):
    settings.OUTBOX_DIR = tmp_path / "absent"
    assert outbox_staged_sweep(older_than=timedelta(0)).as_dict() == {
        "published": 0,
        "removed": 0,
        "conflicts": [],
    }

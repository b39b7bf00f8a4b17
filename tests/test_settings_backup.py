"""Settings, the first-run setup and automatic backups, through the services."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from desktop.errors import InputRejected, PermissionDenied, Refused
from desktop.models import Township, User, Village
from desktop.services.documents import township_issuer
from desktop.services.households import printing
from desktop.services.roster.roster_import import import_roster
from desktop.services.system import audit_log, settings, setup
from desktop.services.system.actor import SYSTEM, Actor
from desktop.services.system.backup import (
    auto_backup,
    auto_backups,
    backup_database,
    backup_folder,
    daily_due,
    describe_backup,
    restore_database,
)
from tests.conftest import ADMIN_PASSWORD
from tests.pdfcheck import page_text
from tests.test_safety import dump


def test_a_bad_setting_is_refused_naming_the_setting_and_nothing_is_saved(db, admin):
    with pytest.raises(InputRejected, match="公示天数.*5～30"):
        settings.set_values(db, admin, {"notice.phone": "0370-1234567", "notice.days": 3})
    assert settings.get(db, "notice.phone") == "12317"
    with pytest.raises(InputRejected, match="监督电话"):
        settings.set_values(db, admin, {"notice.phone": "打电话给我"})
    with pytest.raises(PermissionDenied):
        settings.set_values(db, Actor("c", "clerk"), {"notice.days": 10})


def test_a_settings_change_is_audited_and_used_by_the_next_notice(db, admin, sample, tmp_path):
    import_roster(db, admin, sample("roster-small.xlsx"))
    changed = settings.set_values(db, admin, {"notice.days": 10, "notice.phone": "0370-8123456"})
    assert changed == {"notice.days": 10, "notice.phone": "0370-8123456"}
    assert settings.set_values(db, admin, {"notice.days": 10}) == {}  # no change, no audit entry
    entries = [e for e in audit_log.recent(db, 10) if e.action == "settings.change"]
    assert {e.summary for e in entries} == {"公示天数：7→10", "监督电话：12317→0370-8123456"}
    out = tmp_path / "n.pdf"
    # an identification round's 村公示 takes the set days (the notice lists the round's households)
    from desktop.services.plans import identification

    rid = identification.create_round(db, admin, "石桥镇/周堂村", 2026, on=date(2026, 12, 1))
    identification.add_households(db, admin, rid, ["41142310221200005"])
    identification.step(db, admin, rid, "村公示", on=date(2026, 12, 1))
    printing.household_notice(db, admin, "石桥镇/周堂村", out, start=date(2026, 12, 1))
    text = "".join(page_text(out)).replace(" ", "").replace("\n", "")
    assert "（共10天）" in text and "2026年12月10日" in text
    assert "0370-8123456" in text


def test_the_set_issuing_body_fills_the_ledgers_reporting_unit(db, admin, sample, tmp_path):
    import_roster(db, admin, sample("roster-small.xlsx"))
    out = tmp_path / "ledger.pdf"
    printing.household_ledger(db, admin, out, village="石桥镇/周堂村")
    assert "填报单位：石桥镇人民政府" in page_text(out)[0].replace(" ", "")
    settings.set_values(db, admin, {"notice.issuer": "石桥镇扶贫开发办公室"})
    printing.household_ledger(db, admin, out, village="石桥镇/周堂村")
    assert "填报单位：石桥镇扶贫开发办公室" in page_text(out)[0].replace(" ", "")


def test_parse_villages_takes_pasted_lists_and_refuses_junk():
    assert setup.parse_villages("周堂村\n赵寨村、 李庄村，周堂村\t王楼村") == [
        "周堂村",
        "赵寨村",
        "李庄村",
        "王楼村",
    ]
    with pytest.raises(InputRejected, match="“123”不像村名"):
        setup.parse_villages("周堂村 123")


def _setup_data(**kw) -> setup.SetupData:
    values = dict(
        township="石桥镇",
        county="宁陵县",
        township_code="411423105",
        villages=["周堂村", "赵寨村"],
        issuer="石桥镇人民政府",
        phone="0370-7654321",
        notice_days=9,
        admin_username="zhang",
        admin_password="secret-1",
        admin_display_name="张会计",
    )
    values.update(kw)
    return setup.SetupData(**values)


def test_first_run_writes_everything_at_once_or_nothing(empty_db):
    with pytest.raises(InputRejected, match="密码至少6位"):
        setup.first_run(empty_db, _setup_data(admin_password="123"))
    with empty_db.read() as s:
        assert s.scalars(select(Village)).all() == [] and s.scalars(select(User)).all() == []
    assert setup.needs_setup(empty_db)

    actor = setup.first_run(empty_db, _setup_data())
    assert (actor.username, actor.role) == ("zhang", "admin")
    assert not setup.needs_setup(empty_db)
    with empty_db.read() as s:
        assert [(t.county, t.name) for t in s.scalars(select(Township))] == [("宁陵县", "石桥镇")]
        assert sorted(s.scalars(select(Village.name))) == ["周堂村", "赵寨村"]
    assert settings.get(empty_db, "notice.days") == 9
    assert township_issuer(empty_db, "石桥镇") == "石桥镇人民政府"
    with pytest.raises(Refused, match="已经设置过"):
        setup.first_run(empty_db, _setup_data(admin_username="li"))


def _write_stamp(folder, reason: str, when: datetime) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"auto-{reason}-{when:%Y%m%d-%H%M%S}.sqlite3").write_bytes(b"old")


def test_automatic_backups_go_to_the_set_folder_and_old_ones_are_pruned(db, admin, tmp_path):
    folder = tmp_path / "我的备份"
    settings.set_values(db, admin, {"backup.folder": str(folder), "backup.keep_days": 7})
    now = datetime(2026, 11, 25, 18, 0, 0)
    _write_stamp(folder, "daily", now - timedelta(days=8))  # older than 7 days: goes
    _write_stamp(folder, "daily", now - timedelta(days=6))  # kept
    (folder / "manual-2020.sqlite3").write_bytes(b"keep")  # not ours to prune
    result = auto_backup(db, "exit", now=now)
    assert result.path == folder / "auto-exit-20261125-180000.sqlite3"
    assert [p.name for p in result.removed] == ["auto-daily-20261117-180000.sqlite3"]
    assert [p.name for _, p in auto_backups(folder)] == [
        "auto-exit-20261125-180000.sqlite3",
        "auto-daily-20261119-180000.sqlite3",
    ]
    assert (folder / "manual-2020.sqlite3").exists()
    assert describe_backup(result.path, db).compatible


def test_daily_backup_is_due_once_a_day_and_can_be_switched_off(db, admin, tmp_path):
    settings.set_values(db, admin, {"backup.folder": str(tmp_path / "b")})
    today = datetime(2026, 11, 25, 9, 0)
    assert daily_due(db, now=today)
    auto_backup(db, "daily", now=today)
    assert not daily_due(db, now=today + timedelta(hours=10))
    assert daily_due(db, now=today + timedelta(days=1))
    settings.set_values(db, admin, {"backup.daily": False})
    assert not daily_due(db, now=today + timedelta(days=1))


def test_an_automatic_backup_restores_to_an_identical_database(db, admin, sample, tmp_path):
    import_roster(db, admin, sample("roster-small.xlsx"))
    saved = dump(db)
    taken = auto_backup(db, "exit").path
    assert taken.parent == backup_folder(db)
    info = describe_backup(taken, db)
    assert dict(info.counts)["农户"] == len(saved["household"]) and info.last_change
    import_roster(db, admin, sample("roster-messy.xlsx"))
    restore_database(db, admin, taken, backup_dir=tmp_path / "safety")
    restored = dump(db)
    assert restored["audit_log"][:-1] == saved["audit_log"]
    assert {k: v for k, v in restored.items() if not k.startswith("audit")} == {
        k: v for k, v in saved.items() if not k.startswith("audit")
    }


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_corrupt_backup_is_refused_with_a_clear_message(db, admin, tmp_path, damage):
    good = backup_database(db, tmp_path / "good.sqlite3")
    bad = tmp_path / "坏的备份.sqlite3"
    data = good.read_bytes()
    bad.write_bytes(b"this is not a database" * 100 if damage == "garbage" else data[: len(data) // 3])
    before = dump(db)
    with pytest.raises(InputRejected, match="坏的备份.sqlite3.*(损坏|不是本程序的备份)"):
        describe_backup(bad, db)
    with pytest.raises(InputRejected, match="坏的备份.sqlite3"):
        restore_database(db, admin, bad, backup_dir=tmp_path / "safety")
    assert dump(db) == before


def test_postgresql_backups_also_get_pg_dumps_file_when_pg_dump_is_there(db, admin, tmp_path):
    if db.is_sqlite:
        pytest.skip("PostgreSQL only")
    settings.set_values(db, admin, {"backup.folder": str(tmp_path / "b")})
    result = auto_backup(db, "daily")
    if result.dump is None:
        assert "pg_dump" in result.dump_note
    else:
        assert result.dump.read_bytes()[:5] == b"PGDMP"


def test_a_user_who_left_is_stopped_but_never_the_last_admin_or_oneself(db, admin, db_url, monkeypatch):
    from desktop.cli import main
    from desktop.services.system import users

    users.create_user(db, admin, "wang", "secret-1", "clerk")
    users.set_active(db, admin, "wang", False)
    with pytest.raises(PermissionDenied, match="已停用"):
        users.authenticate(db, "wang", "secret-1")
    with pytest.raises(PermissionDenied, match="用户名或密码错误"):  # a guesser learns nothing
        users.authenticate(db, "wang", "wrong-pass")
    assert [e.action for e in audit_log.recent(db, 1)] == ["user.disable"]
    with pytest.raises(Refused, match="自己"):
        users.set_active(db, admin, admin.username, False)
    users.create_user(db, admin, "zhao", "secret-2", "admin")
    zhao = users.authenticate(db, "zhao", "secret-2")
    users.set_active(db, zhao, admin.username, False)  # another admin is still working: allowed
    with pytest.raises(Refused, match="唯一在用的管理员"):
        users.set_active(db, SYSTEM, "zhao", False)
    with pytest.raises(PermissionDenied):
        users.set_active(db, Actor("wang", "clerk", "王"), "zhao", False)
    monkeypatch.setenv("DESKTOP_USER", "zhao")
    monkeypatch.setenv("DESKTOP_PASSWORD", "secret-2")
    assert main(["--db", db_url, "users", "enable", admin.username, "--json"]) == 0
    assert users.authenticate(db, admin.username, ADMIN_PASSWORD).username == admin.username

"""Backups, restore, schema upgrades, login lock-out."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select, text

from desktop.db import Database, DatabaseTooNew
from desktop.errors import InputRejected, PermissionDenied
from desktop.models import Household
from desktop.services.roster.roster_import import import_roster
from desktop.services.system import backup, users
from desktop.services.system.actor import SYSTEM, Actor
from desktop.services.system.backup import backup_database, check_database, restore_database
from tests.conftest import ADMIN_PASSWORD, DATA


def dump(db: Database) -> dict:
    """Every row of every table, for "identical database" comparisons."""
    from desktop.models import Base, load_all

    load_all()
    out = {}
    with db.read() as s:
        for table in Base.metadata.sorted_tables:
            rows = s.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(r) for r in rows]
    return out


def test_backup_then_restore_gives_an_identical_database(db, admin, sample, tmp_path):
    import_roster(db, admin, sample("roster-small.xlsx"))
    saved = dump(db)
    backup = backup_database(db, tmp_path / "b.sqlite3")
    import_roster(db, admin, sample("roster-messy.xlsx"))
    assert dump(db) != saved
    safety = restore_database(db, admin, backup, backup_dir=tmp_path / "safety")
    restored = dump(db)
    # The restore itself is audited: one entry more than the backup held.
    assert restored["audit_log"][:-1] == saved["audit_log"]
    assert {k: v for k, v in restored.items() if k not in ("audit_log", "audit_head")} == {
        k: v for k, v in saved.items() if k not in ("audit_log", "audit_head")
    }
    assert check_database(db).ok
    assert safety.exists()
    # New rows after a restore get fresh ids (sequences were reset on PostgreSQL).
    import_roster(db, admin, sample("roster-messy.xlsx"))
    assert check_database(db).ok


def test_a_corrupt_backup_is_refused_and_nothing_changes(db, admin, sample, tmp_path):
    import_roster(db, admin, sample("roster-small.xlsx"))
    before = dump(db)
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    with pytest.raises(InputRejected):
        restore_database(db, admin, bad)
    assert dump(db) == before


def test_only_an_admin_may_restore(db, tmp_path):
    with pytest.raises(PermissionDenied):
        restore_database(db, Actor("c", "clerk"), tmp_path / "x")


def test_upgrade_backs_up_first_and_refuses_a_newer_database(tmp_path):
    db = Database(tmp_path / "old.sqlite3")
    db.upgrade(revision="0001")
    with db.write() as s:
        s.execute(text("INSERT INTO township (province, city, county, name) VALUES ('', '', '', '柳河镇')"))
    taken = backup.upgrade(db, backup_dir=tmp_path / "bk")
    assert db.current_revision() == db.head_revision()
    con = sqlite3.connect(taken)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert con.execute("SELECT name FROM township").fetchall() == [("柳河镇",)]
    con.close()
    with db.write() as s:
        s.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(DatabaseTooNew):
        backup.upgrade(db)
    assert db.current_revision() == "9999"
    db.dispose()


def test_migration_0003_moves_the_search_haystack_into_its_own_table(tmp_path):
    db = Database(tmp_path / "v2.sqlite3")
    db.upgrade(revision="0002")
    with db.write() as s:
        s.execute(
            text("INSERT INTO township (id, province, city, county, name) VALUES (1, '', '', '', '柳河镇')")
        )
        s.execute(text("INSERT INTO village (id, township_id, name) VALUES (1, 1, '孙桥村')"))
        s.execute(
            text(
                "INSERT INTO household (id, code, village_id, group_name, head_name, head_id_number, size, phone, "
                "poverty_type, household_kind, main_cause, attrs, search_text, created_at, updated_at) VALUES "
                "(7, '1', 1, '', '张建国', '', 1, '', '', '', '', '{}', '1|张建国 zjg zhangjianguo', "
                "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        )
    backup.upgrade(db, backup_dir=tmp_path / "bk")
    with db.read() as s:
        assert s.execute(text("SELECT household_id, text FROM household_search")).all() == [
            (7, "1|张建国 zjg zhangjianguo")
        ]
    from desktop.services.households import households

    assert households.search_ids(db, SYSTEM, "zjg") == [7]
    db.dispose()


def test_five_wrong_passwords_lock_the_account(db):
    for _ in range(4):  # the same words as for an unknown user: no count of tries left to tell them apart
        with pytest.raises(PermissionDenied, match="^用户名或密码错误。$"):
            users.authenticate(db, "admin", "nope")
    with pytest.raises(PermissionDenied, match="已锁定"):
        users.authenticate(db, "admin", "nope")
    with pytest.raises(PermissionDenied, match="锁定"):
        users.authenticate(db, "admin", ADMIN_PASSWORD)  # even the right password waits
    users.unlock(db, SYSTEM, "admin")
    assert users.authenticate(db, "admin", ADMIN_PASSWORD).role == "admin"


def test_passwords_are_stored_hashed(db):
    with db.read() as s:
        stored = s.execute(text("SELECT password_hash FROM app_user")).scalar()
    assert ADMIN_PASSWORD not in stored and stored.startswith("scrypt$")


def test_village_clerk_sees_only_their_village(db, admin, sample):
    import_roster(db, admin, sample("roster-small.xlsx"))
    users.create_user(db, admin, "wang", "pw123456", "village_clerk", villages=["夏邑县城关镇/孙桥村"])
    clerk = users.authenticate(db, "wang", "pw123456")
    from desktop.services.households import households

    assert {v.name for v in households.villages(db, clerk)} == {"孙桥村"}
    found = households.list_households(db, clerk)
    assert found and {r.village for r in found} == {"孙桥村"}
    with db.read() as s:
        other = s.scalar(select(Household.code).where(Household.village_id.not_in(clerk.village_ids)))
    with pytest.raises(PermissionDenied):
        households.detail(db, clerk, other)


def test_sample_data_folder_is_complete():
    assert (DATA / "roster-errors.expected.json").exists()

"""Migration 0015 renames the money columns …_fen: a database (and a backup) made before it keeps every amount
under the new names, its fund ledger's chain still verifies, and a backup taken at the older revision is read,
copied and restored without losing a column."""

from __future__ import annotations

import shutil

import pytest
from alembic import command
from sqlalchemy import create_engine, select, text

from desktop.db import Database
from desktop.errors import InputRejected
from desktop.models import FilialFund, FundEntry, IncomeThreshold, IncomeYear, Measure
from desktop.services.system import backup
from tests.test_migrations import _migrate

OLD = "0014"
# (kind, amount) of the fund's entries, booked before the ledgers were chained: migration 0011 links them with
# its own frozen digest, computed over the column as it was then named (`amount`)
ENTRIES = (("donation", 100_000), ("donation", 25_050), ("donation", -5_050))
INCOME = {"wage": 1_200_000, "production": 300_000, "property_income": 50_000, "transfer": 200_000}
INCOME_COST, INCOME_NET = 100_000, 550_000


def _old_database(path) -> Database:
    """A database at revision 0014 holding a fund ledger, an income year, a year's standard and a measure."""
    db = Database(path)
    db.upgrade(revision="0010")
    with db.engine.begin() as conn:
        run = conn.exec_driver_sql
        run(
            "INSERT INTO township (id, province, city, county, name) VALUES (1, '河南省', '商丘市', '柘城县', '柳河镇')"
        )
        run("INSERT INTO village (id, township_id, name) VALUES (1, 1, '孙桥村')")
        run(
            "INSERT INTO household (id, code, village_id, group_name, head_name, head_id_number, size, phone, "
            "poverty_type, household_kind, main_cause, attrs, created_at, updated_at) VALUES (1, '4114001', 1, "
            "'', '张建国', '', 2, '', '', '', '', '{}', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
        run(
            "INSERT INTO filial_fund (id, village_id, name, elder_age, match_percent, match_cap_fen, payout_day,"
            " balance) VALUES (1, 1, '孙桥村孝善基金', 60, 20, 5000, 10, ?)",
            (sum(a for _k, a in ENTRIES),),
        )
        for i, (kind, amount) in enumerate(ENTRIES, start=1):
            run(
                "INSERT INTO fund_entry (id, fund_id, kind, amount, months, method, receipt_no, donor, reason, batch,"
                " operator, at, extra) VALUES (?, 1, ?, ?, '[]', '', '', '县慈善总会', '', '', 'admin', ?, '{}')",
                (i, kind, amount, f"2026-01-0{i} 08:00:00.000000"),
            )
        run(
            "INSERT INTO income_year (id, household_id, year, wage, production, property_income, transfer,"
            " production_cost, net_per_capita, source, note) VALUES (1, 1, 2026, ?, ?, ?, ?, ?, ?, 'clerk', '')",
            (*INCOME.values(), INCOME_COST, INCOME_NET),
        )
        run(
            "INSERT INTO income_threshold (year, poverty_line, yellow_low, yellow_high) VALUES (2026, 4000, 4100, 5200)"
        )
        run(
            "INSERT INTO plan_measure (id, household_id, year, kind, description, amount, cadre, cadre_phone,"
            " status, created_by, created_at) VALUES (1, 1, 2026, '产业', '养牛', 800000, '', '', 'planned',"
            " 'admin', '2026-01-01 00:00:00')"
        )
    db.upgrade(revision=OLD)
    assert db.current_revision() == OLD
    return db


def _amounts(db: Database) -> dict:
    """Every amount, read through the models (the new names)."""
    with db.read() as s:
        income = s.scalars(select(IncomeYear)).one()
        standard = s.get(IncomeThreshold, 2026)
        return {
            "balance": s.scalars(select(FilialFund.balance_fen)).one(),
            "entries": s.execute(select(FundEntry.kind, FundEntry.amount_fen).order_by(FundEntry.id)).all(),
            "income": (
                income.wage_fen,
                income.production_fen,
                income.property_income_fen,
                income.transfer_fen,
                income.production_cost_fen,
                income.net_per_capita_fen,
            ),
            "standard": (standard.poverty_line_fen, standard.yellow_low_fen, standard.yellow_high_fen),
            "measure": s.scalars(select(Measure.amount_fen)).one(),
        }


EXPECTED = {
    "balance": 120_000,
    "entries": list(ENTRIES),
    "income": (*INCOME.values(), INCOME_COST, INCOME_NET),
    "standard": (4000, 4100, 5200),
    "measure": 800_000,
}


def _digests(db: Database) -> list[str]:
    with db.engine.connect() as conn:
        return list(conn.execute(text("SELECT digest FROM fund_entry ORDER BY id")).scalars())


def test_the_upgrade_keeps_every_amount_and_the_fund_chain_built_before_it_still_verifies(tmp_path):
    db = _old_database(tmp_path / "old.sqlite3")
    try:
        digests = _digests(db)
        taken = backup.upgrade(db, backup_dir=tmp_path / "bk")  # the file is the database at 0014
        assert db.current_revision() == db.head_revision() != OLD
        assert _amounts(db) == EXPECTED
        assert _digests(db) == digests  # nothing rehashed: the digests migration 0011 wrote still stand
        report = backup.check_database(
            db
        )  # each entry against its chain, and against the 0014 backup's heads
        assert report.ok, report.problems
        # the backup, still at 0014, reads as sound (its hashed column by its former name) and is not restorable
        # as it is: a restore copies a backup of this program's own revision only
        info = backup.describe_backup(taken, db)
        assert info.revision == OLD and not info.compatible and info.sound, info.problems
        assert backup.verify_backup(taken) == []
    finally:
        db.dispose()


def test_a_backup_taken_before_the_rename_restores_with_every_amount_under_the_new_names(tmp_path, admin):
    old = _old_database(tmp_path / "old.sqlite3")
    try:
        taken = backup.backup_database(old, tmp_path / "at-0014.sqlite3")
    finally:
        old.dispose()
    current = Database(tmp_path / "current.sqlite3")
    current.upgrade()
    try:
        with pytest.raises(InputRejected, match="版本"):
            backup.restore_database(current, admin, taken, backup_dir=tmp_path / "safety")
        # the way an older backup comes back: a copy of it is upgraded (renamed in place), then restored
        upgraded = shutil.copy(taken, tmp_path / "upgraded.sqlite3")
        copy = Database(upgraded)
        try:
            backup.upgrade(copy, backup_dir=tmp_path / "bk")
        finally:
            copy.dispose()
        backup.restore_database(current, admin, upgraded, backup_dir=tmp_path / "safety")
        assert _amounts(current) == EXPECTED
        report = backup.check_database(current)
        assert report.ok, report.problems
    finally:
        current.dispose()


def test_a_copy_at_an_older_revision_keeps_the_columns_renamed_since(tmp_path):
    """What backup_database does for a server database at an older revision (the backup before an upgrade):
    the copy is built at that revision and filled table by table. A column the models now name otherwise is
    copied by its own name — not dropped (a nullable income column would silently come out empty)."""
    old = _old_database(tmp_path / "old.sqlite3")
    part = Database(tmp_path / "copy.sqlite3")
    try:
        part.upgrade(revision=OLD)
        part.dispose()
        backup._copy_all(
            old.engine, create_engine(f"sqlite:///{tmp_path / 'copy.sqlite3'}"), create_schema=False
        )
        with part.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT kind, amount FROM fund_entry ORDER BY id").all() == list(
                ENTRIES
            )
            assert conn.exec_driver_sql("SELECT balance FROM filial_fund").scalar() == 120_000
            assert conn.exec_driver_sql(
                "SELECT wage, production, property_income, transfer, production_cost, net_per_capita FROM income_year"
            ).one() == (*INCOME.values(), INCOME_COST, INCOME_NET)
            assert conn.exec_driver_sql(
                "SELECT poverty_line, yellow_low, yellow_high FROM income_threshold"
            ).one() == (4000, 4100, 5200)
            assert conn.exec_driver_sql("SELECT amount FROM plan_measure").scalar() == 800_000
        assert backup.verify_backup(tmp_path / "copy.sqlite3") == []
        backup.upgrade(part, backup_dir=tmp_path / "bk")
        assert _amounts(part) == EXPECTED
    finally:
        part.dispose()
        old.dispose()


def test_the_rename_steps_back_down_with_the_amounts(tmp_path):
    db = _old_database(tmp_path / "old.sqlite3")
    try:
        db.upgrade()
        _migrate(db, command.downgrade, OLD)  # as Database.upgrade steps: SQLite's foreign keys off
        assert db.current_revision() == OLD
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT SUM(amount) FROM fund_entry").scalar() == 120_000
            assert conn.exec_driver_sql("SELECT net_per_capita FROM income_year").scalar() == INCOME_NET
            assert conn.exec_driver_sql("SELECT poverty_line FROM income_threshold").scalar() == 4000
    finally:
        db.dispose()

"""The audit chain and the ledgers anchored outside the database (hardening items 3 and 8).

Plain SHA-256 inside one file can be recomputed by whoever edits the file, so each attack below passes a check
that looks only at the file; each is caught by an anchor outside it: the 审计校验码 printed in the footer of
notices, ledgers and the monthly report (`check --anchor`), the state every backup in the backup folder holds,
and the ledgers' own chains. A backup whose log was tampered with is refused by `restore` and `backup-inspect`.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pdfplumber
import pytest
from sqlalchemy import select, text

from desktop.cli import main
from desktop.db import Database
from desktop.models import AuditEntry, AuditHead, FundEntry, PointsEntry, StockMovement
from desktop.services.fund import fund
from desktop.services.ledgers import ledger_chain
from desktop.services.points import points, redemption, stores
from desktop.services.roster.roster_import import import_roster
from desktop.services.system import audit, users
from desktop.services.system.actor import SYSTEM
from desktop.services.system.backup import backup_database, backup_folder, check_database
from tests.conftest import ADMIN_PASSWORD

HH = "41142410520800001"
VILLAGE = "柘城县逻岗镇/孙桥村"
ELDER = "4114241052080000101"
CODE = re.compile(r"审计校验码\s*(\d+-[0-9A-Z]{5}-[0-9A-Z]{5})")


@pytest.fixture
def cli(db_url, capsys, monkeypatch):
    monkeypatch.setenv("DESKTOP_USER", "admin")
    monkeypatch.setenv("DESKTOP_PASSWORD", ADMIN_PASSWORD)

    def run(*args: str):
        code = main(["--db", db_url, *args, "--json"])
        out = capsys.readouterr().out.strip().splitlines()
        return code, json.loads(out[-1]) if out else None

    return run


@pytest.fixture
def office(db, admin, sample):
    """A roster, a store with stock and a basket served, a fund with a contribution: every ledger in use."""
    import_roster(db, admin, sample("roster-small.xlsx"))
    stores.create_store(db, admin, "S01", "孙桥村爱心超市")
    stores.add_goods(db, admin, "S01", "SALT", "食盐", 3, unit="袋")
    stores.move_stock(db, admin, "S01", "SALT", "purchase", 50, value_fen=10000)
    points.award(db, admin, HH, 120, "2026年第三季度星级评定")
    redemption.redeem(db, admin, "S01", HH, {"SALT": 2})
    fund.create_fund(db, admin, VILLAGE, match_percent=10, match_cap_fen=1500)
    sid = fund.add_supporter(db, admin, VILLAGE, ELDER, "董平花", relation="之女")
    fund.contribute(db, admin, sid, ["2026-10"], 20000, receipt_no="A001")
    return db


def more_work(db, admin, n: int = 3) -> None:
    for k in range(n):
        points.award(db, admin, HH, 10, f"追加积分{k}")


def printed_code(cli, tmp_path: Path, *what: str) -> str:
    out = tmp_path / f"{what[0]}-{what[1]}.pdf"
    code, data = cli("print", *what, "--out", str(out))
    assert code == 0, data
    with pdfplumber.open(out) as pdf:
        found = {m for page in pdf.pages for m in CODE.findall(page.extract_text() or "")}
    assert len(found) == 1, found  # every page carries the same code
    return found.pop()


def backup_now(db, name: str) -> Path:
    return backup_database(db, backup_folder(db) / name)


def rewrite_audit_chain(db) -> None:
    """What someone editing the database can always do: recompute every digest and the head."""
    with db.write() as s:
        entries = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        prev = audit.GENESIS
        for e in entries:
            digest = audit.compute_digest(
                prev, e.at, e.username, e.action, e.entity, e.entity_key, e.before, e.after
            )
            e.prev_digest, e.digest, prev = prev, digest, digest
        head = s.get(AuditHead, 1)
        head.count, head.digest = len(entries), prev


def audit_count(db) -> int:
    with db.read() as s:
        return s.get(AuditHead, 1).count


# --- (a) the 校验码 on printouts -------------------------------------------------------------------------


def test_the_printed_code_stays_valid_while_the_chain_only_grows(office, admin, cli, tmp_path):
    notice = printed_code(
        cli, tmp_path, "notice", "households", "--village", VILLAGE, "--notice-kind", "monitoring"
    )
    ledger = printed_code(cli, tmp_path, "ledger", "points", "--village", VILLAGE)
    report = printed_code(cli, tmp_path, "report", "monthly")
    assert notice == ledger == report  # printing itself changes nothing
    count = audit_count(office)
    assert notice.startswith(f"{count}-")
    more_work(office, admin)
    code, data = cli("check", "--anchor", notice, "--anchor", ledger)
    assert code == 0 and data["ok"] and data["anchors_checked"] == 2
    # typed back from paper: lower case, a space, O for 0 and I/L for 1 are all understood
    number, letters = notice.split("-", 1)
    typed = f"{number} - {letters.lower().replace('0', 'o').replace('1', 'l')}"
    assert cli("check", "--anchor", f"审计校验码 {typed}")[0] == 0
    code, data = cli("check", "--anchor", "12-ABC")
    assert code == 2 and "格式不对" in data["error"]


def test_deleting_the_whole_log_and_resetting_the_head_is_caught(office, admin, cli, tmp_path):
    notice = printed_code(
        cli, tmp_path, "notice", "households", "--village", VILLAGE, "--notice-kind", "monitoring"
    )
    more_work(office, admin)
    with office.write() as s:
        s.execute(text("DELETE FROM audit_log"))
        s.execute(text("UPDATE audit_head SET count = 0, digest = :g"), {"g": audit.GENESIS})
    code, data = cli("check")
    assert code == 0  # nothing inside the file can tell: that is why the anchors exist
    code, data = cli("check", "--anchor", notice)
    assert code == 4 and any("少于校验码" in p for p in data["problems"]), data["problems"]


def test_a_backup_catches_the_whole_log_deleted(office, admin, cli):
    backup_now(office, "manual-1.sqlite3")
    with office.write() as s:
        s.execute(text("DELETE FROM audit_log"))
        s.execute(text("UPDATE audit_head SET count = 0, digest = :g"), {"g": audit.GENESIS})
    code, data = cli("check")
    assert code == 4 and any("manual-1.sqlite3" in p and "删除" in p for p in data["problems"]), data


def test_cutting_the_tail_back_past_a_backup_and_fixing_the_head_is_caught(office, admin, cli, tmp_path):
    kept = audit_count(office)
    more_work(office, admin)
    backup_now(office, "auto-daily-20261201-080000.sqlite3")
    more_work(office, admin)
    code_after = printed_code(cli, tmp_path, "ledger", "stock", "--store", "S01")
    assert cli("check")[0] == 0
    with office.write() as s:  # cut back to `kept` entries and make the head agree
        ids = list(s.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))
        s.execute(text("DELETE FROM audit_log WHERE id > :last"), {"last": ids[kept - 1]})
        last = s.scalar(select(AuditEntry.digest).where(AuditEntry.id == ids[kept - 1]))
        s.execute(text("UPDATE audit_head SET count = :n, digest = :d"), {"n": kept, "d": last})
    code, data = cli("check")
    assert code == 4
    assert any("auto-daily-20261201-080000.sqlite3" in p for p in data["problems"]), data["problems"]
    assert not any("末条校验值不符" in p for p in data["problems"])  # the file itself looks consistent
    assert cli("check", "--anchor", code_after)[0] == 4


def test_editing_an_entry_and_recomputing_every_digest_is_caught(office, admin, cli, tmp_path):
    notice = printed_code(
        cli, tmp_path, "notice", "households", "--village", VILLAGE, "--notice-kind", "monitoring"
    )
    backup_now(office, "manual-2.sqlite3")
    more_work(office, admin)
    with office.write() as s:
        entry = s.scalar(
            select(AuditEntry).where(AuditEntry.action == "points.award").order_by(AuditEntry.id)
        )
        entry.username = "someone-else"
    rewrite_audit_chain(office)
    with office.read() as s:
        assert audit.verify(s).ok  # the chain in the file is consistent again
    code, data = cli("check")
    assert code == 4 and any("manual-2.sqlite3" in p and "改动" in p for p in data["problems"]), data
    code, data = cli("check", "--anchor", notice)
    assert code == 4 and any("不符" in p for p in data["problems"])


# --- (c) the ledgers' own chains ---------------------------------------------------------------------


EDITS = {
    # a matching edit of an entry and its cached balance: every balance still equals its ledger
    "points": [
        "UPDATE points_entry SET amount = amount + 100 WHERE id = (SELECT MIN(id) FROM points_entry)",
        "UPDATE points_account SET balance = balance + 100",
    ],
    "stock": [
        "UPDATE stock_movement SET quantity = quantity + 7 WHERE kind = 'purchase'",
        "UPDATE stock_level SET quantity = quantity + 7",
    ],
    "fund": [
        "UPDATE fund_entry SET amount_fen = amount_fen + 5000 WHERE kind = 'contribution'",
        "UPDATE filial_fund SET balance_fen = balance_fen + 5000",
    ],
}
LABELS = {"points": "积分流水", "stock": "库存流水", "fund": "基金流水"}
MODELS = {"points": PointsEntry, "stock": StockMovement, "fund": FundEntry}


@pytest.mark.parametrize("ledger", list(EDITS))
def test_a_matching_edit_of_a_ledger_entry_and_its_balance_is_caught(office, cli, ledger):
    with office.write() as s:
        for sql in EDITS[ledger]:
            s.execute(text(sql))
    report = check_database(office)
    assert not any("不符" in p and "余额" in p for p in report.problems)  # balances agree with the ledgers
    code, data = cli("check")
    assert code == 4
    assert any(p.startswith(f"{LABELS[ledger]}第") and "校验值不符" in p for p in data["problems"]), data


@pytest.mark.parametrize("ledger", list(EDITS))
def test_recomputing_the_ledgers_chain_too_is_caught_by_the_backup(office, admin, cli, ledger):
    backup_now(office, "manual-3.sqlite3")
    more_work(office, admin, 1)
    with office.write() as s:
        for sql in EDITS[ledger]:
            s.execute(text(sql))
        model = MODELS[ledger]
        chain = ledger_chain.BY_MODEL[model]
        ledger_chain.relink(s, model, s.scalars(select(chain.column(chain.account))).all())
    with office.read() as s:
        assert not ledger_chain.verify(s).problems  # consistent again inside the file
    code, data = cli("check")
    assert code == 4
    assert any(p.startswith(LABELS[ledger]) and "manual-3.sqlite3" in p for p in data["problems"]), data


def test_deleting_a_households_newest_entry_and_fixing_the_balance_is_caught_by_the_backup(office, cli):
    backup_now(office, "manual-4.sqlite3")
    with office.write() as s:
        newest = s.scalar(select(PointsEntry).order_by(PointsEntry.id.desc()))
        s.execute(
            text("UPDATE points_account SET balance = balance - :a WHERE household_id = :h"),
            {"a": newest.amount, "h": newest.household_id},
        )
        s.execute(text("DELETE FROM points_entry WHERE id = :id"), {"id": newest.id})
    code, data = cli("check")
    assert code == 4 and any("积分流水" in p and "manual-4.sqlite3" in p for p in data["problems"]), data


def test_new_entries_link_to_their_own_accounts_previous_entry(office, admin):
    with office.read() as s:
        hid = s.scalar(select(PointsEntry.household_id).order_by(PointsEntry.id))
        seqs = list(
            s.scalars(select(PointsEntry.seq).where(PointsEntry.household_id == hid).order_by(PointsEntry.id))
        )
        funds = list(s.execute(select(FundEntry.seq, FundEntry.kind).order_by(FundEntry.id)))
    assert seqs == list(range(1, len(seqs) + 1))  # award, redeem: one chain per household
    assert funds == [(1, "contribution"), (2, "match")]  # a contribution and its match, flushed together
    assert check_database(office).ok


# --- (b) the backups, and restores that legitimately go back -------------------------------------------


def test_restoring_an_older_backup_leaves_check_passing(office, admin, cli, tmp_path):
    older = backup_now(office, "manual-5.sqlite3")
    more_work(office, admin)
    backup_now(office, "auto-daily-20261202-080000.sqlite3")  # taken on the branch the restore abandons
    more_work(office, admin)
    code, data = cli("restore", str(older))
    assert code == 0, data
    code, data = cli("check")
    assert code == 0, data["problems"]
    assert data["backups_compared"] >= 3  # the older one, the abandoned one and the safety copy
    more_work(office, admin)
    assert cli("check")[0] == 0
    # a backup of another database in the same folder is not this one's anchor
    (tmp_path / "other").mkdir()
    other = Database(tmp_path / "other" / "other.sqlite3")
    try:
        other.upgrade()
        users.create_user(other, SYSTEM, "admin", ADMIN_PASSWORD, "admin")
        backup_database(other, backup_folder(office) / "other-db.sqlite3")
    finally:
        other.dispose()
    assert cli("check")[0] == 0


# --- item 8: a tampered backup is not restored --------------------------------------------------------


def tamper_backup(path: Path, *sql: str) -> None:
    con = sqlite3.connect(path)
    with con:
        for statement in sql:
            con.execute(statement)
    con.close()


def test_restore_refuses_a_backup_whose_audit_log_was_edited_and_inspect_says_why(
    office, admin, cli, tmp_path
):
    good = backup_database(office, tmp_path / "good.sqlite3")
    code, data = cli("backup-inspect", str(good))
    assert code == 0 and data["sound"] and data["problems"] == []
    assert data["anchor"] == check_database(office).facts["anchor"]
    bad = backup_database(office, tmp_path / "bad.sqlite3")
    victim = sqlite3.connect(bad).execute("SELECT id FROM audit_log WHERE action = 'redeem'").fetchone()[0]
    tamper_backup(bad, f"UPDATE audit_log SET username = 'someone' WHERE id = {victim}")
    more_work(office, admin, 1)
    before = check_database(office).facts["anchor"]
    code, data = cli("restore", str(bad))
    assert code == 4 and f"审计日志第{victim}条" in data["error"] and "没有恢复" in data["error"], data
    assert check_database(office).facts["anchor"] == before  # nothing was restored
    code, data = cli("backup-inspect", str(bad))
    assert code == 4 and not data["sound"] and any(f"审计日志第{victim}条" in p for p in data["problems"])


def test_restore_refuses_a_backup_whose_ledger_was_edited_with_its_balance(office, cli, tmp_path):
    bad = backup_database(office, tmp_path / "bad-ledger.sqlite3")
    tamper_backup(bad, *EDITS["points"])
    code, data = cli("restore", str(bad))
    assert code == 4 and "积分流水第" in data["error"], data
    assert cli("backup-inspect", str(bad))[0] == 4


# --- the migration that linked the entries already booked ---------------------------------------------


def test_migration_0011_links_existing_entries_exactly_as_new_ones_are_linked(office):
    from alembic import command

    def chains() -> dict:
        with office.read() as s:
            return {
                t: s.execute(text(f"SELECT id, seq, digest FROM {t} ORDER BY id")).all()
                for t in ("points_entry", "stock_movement", "fund_entry")
            }

    before = chains()
    assert all(before.values())
    with office.engine.connect() as conn:
        if office.is_sqlite:
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        with conn.begin():
            command.downgrade(office._alembic_config(conn), "0010")
    assert office.current_revision() == "0010"
    office.upgrade()
    assert office.current_revision() == office.head_revision()
    assert chains() == before
    assert check_database(office).ok

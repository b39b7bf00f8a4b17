"""The command-line contract of BRIEF §7: commands, --json, exit codes."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text

from desktop import clock
from desktop.cli import main
from desktop.db import Database
from tests.conftest import ADMIN_PASSWORD


@pytest.fixture
def cli(db_url, capsys, monkeypatch):
    monkeypatch.setenv("DESKTOP_USER", "admin")
    monkeypatch.setenv("DESKTOP_PASSWORD", ADMIN_PASSWORD)

    def run(*args: str):
        code = main(["--db", db_url, *args, "--json"])
        out = capsys.readouterr().out.strip().splitlines()
        return code, json.loads(out[-1]) if out else None

    return run


def test_import_json_has_the_contract_fields(cli, sample):
    code, data = cli("import", "roster", str(sample("roster-small.xlsx")))
    assert code == 0
    assert {k: data[k] for k in ("households", "members", "added", "updated", "unchanged")} == {
        "households": 40,
        "members": 163,
        "added": 40,
        "updated": 0,
        "unchanged": 0,
    }
    assert data["errors"] == []


def test_rejected_import_exits_2_with_rows_and_columns(cli, sample):
    code, data = cli("import", "roster", str(sample("roster-errors.xlsx")))
    assert code == 2
    assert len(data["errors"]) == 11
    assert {"row": 30, "column": "证件号码"}.items() <= data["errors"][2].items()
    code, data = cli("households", "list")
    assert data["count"] == 0


def test_missing_file_and_not_an_excel_file_exit_2(cli, tmp_path):
    assert cli("import", "roster", str(tmp_path / "nope.xlsx"))[0] == 2
    bogus = tmp_path / "bogus.xlsx"
    bogus.write_text("not a workbook")
    code, data = cli("import", "roster", str(bogus))
    assert code == 2 and "不是有效的Excel文件" in data["error"]


def test_writing_needs_a_user_with_the_right_password(cli, sample, monkeypatch):
    monkeypatch.setenv("DESKTOP_PASSWORD", "wrong")
    code, data = cli("import", "roster", str(sample("roster-small.xlsx")))
    assert code == 3 and "密码错误" in data["error"]
    monkeypatch.delenv("DESKTOP_USER")
    assert cli("import", "roster", str(sample("roster-small.xlsx")))[0] == 3


def test_village_clerk_cannot_import_exit_3(cli, sample, monkeypatch):
    assert cli("import", "roster", str(sample("roster-small.xlsx")))[0] == 0
    code, data = cli("users", "add", "clerk1", "--role", "village_clerk", "--new-password", "pw123456")
    assert code == 2 and "负责的村" in data["error"]
    assert (
        cli(
            "users",
            "add",
            "clerk1",
            "--role",
            "village_clerk",
            "--village",
            "夏邑县城关镇/孙桥村",
            "--new-password",
            "pw123456",
        )[0]
        == 0
    )
    monkeypatch.setenv("DESKTOP_USER", "clerk1")
    monkeypatch.setenv("DESKTOP_PASSWORD", "pw123456")
    code, data = cli("import", "roster", str(sample("roster-small.xlsx")))
    assert code == 3 and "无权" in data["error"]


def test_list_search_and_show(cli, sample):
    cli("import", "roster", str(sample("roster-small.xlsx")))
    code, data = cli("households", "list", "--search", "dcy")
    assert code == 0 and [h["head_name"] for h in data["households"]] == ["董超玉"]
    code, data = cli("households", "list", "--village", "柘城县逻岗镇/孙桥村")
    assert code == 0 and data["count"] >= 1 and {h["village"] for h in data["households"]} == {"孙桥村"}
    code, data = cli("households", "show", "41142410520800001")
    assert code == 0 and [m["name"] for m in data["members"]] == ["董超玉", "袁玉勇", "董平花"]
    assert cli("households", "show", "999")[0] == 2


def test_tampering_with_the_audit_log_makes_check_exit_4(cli, sample, db_url):
    cli("import", "roster", str(sample("roster-small.xlsx")))
    code, data = cli("check")
    assert code == 0 and data["ok"] and data["audit_entries"] == 2
    db = Database(db_url)
    with db.write() as s:
        s.execute(text("UPDATE audit_log SET username = 'someone' WHERE action = 'roster.import'"))
    code, data = cli("check")
    assert code == 4 and any("被修改" in p for p in data["problems"])
    db.dispose()


def test_deleting_the_newest_audit_entry_makes_check_exit_4(cli, sample, db_url):
    cli("import", "roster", str(sample("roster-small.xlsx")))
    db = Database(db_url)
    with db.write() as s:
        s.execute(text("DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)"))
    code, data = cli("check")
    assert code == 4 and any("删除" in p for p in data["problems"])
    db.dispose()


def test_init_demo_creates_households_that_export_and_reimport_unchanged(tmp_path, capsys, monkeypatch):
    path = str(tmp_path / "demo.sqlite3")
    assert main(["--db", path, "init", "--demo", "30", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["households"] == 30
    # the demo supermarkets have served baskets over three months, one reversed, and every ledger adds up
    from desktop.db import Database
    from desktop.models import Redemption

    demo_db = Database(path)
    with demo_db.read() as s:
        served = list(s.execute(select(Redemption.at, Redemption.reversed_at)))
    demo_db.dispose()
    assert len(served) > 3 and sum(r is not None for _, r in served) == 1
    assert len({clock.local(at).month for at, _ in served}) >= 2
    assert main(["--db", path, "check", "--json"]) == 0 and json.loads(capsys.readouterr().out)["ok"]
    assert main(["--db", path, "export", "roster", str(tmp_path / "d.xlsx")]) == 3  # reading logs in too
    monkeypatch.setenv("DESKTOP_USER", "admin")
    monkeypatch.setenv("DESKTOP_PASSWORD", "admin123")
    assert main(["--db", path, "export", "roster", str(tmp_path / "d.xlsx")]) == 0
    capsys.readouterr()
    places = _places(path)
    assert main(["--db", path, "import", "roster", str(tmp_path / "d.xlsx"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["unchanged"] == 30
    # the older layout has no 省 column: its townships are still the ones the database knows
    assert _places(path) == places


def _places(path: str) -> list[tuple]:
    from desktop.db import Database
    from desktop.models import Household, Township, Village

    db = Database(path)
    with db.read() as s:
        rows = s.execute(
            select(Township.province, Township.name, Village.name, Household.code)
            .join(Village, Village.township_id == Township.id)
            .outerjoin(Household, Household.village_id == Village.id)
            .order_by(Village.id, Household.code)
        ).all()
    db.dispose()
    return [tuple(r) for r in rows]


def test_commands_on_a_missing_database_exit_2(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "none.sqlite3"), "households", "list"]) == 2
    assert "init" in capsys.readouterr().err


def test_settings_backups_and_the_monthly_report_from_the_command_line(cli, tmp_path):
    code, out = cli("settings", "set", "notice.days=3")
    assert code == 2 and "公示天数" in out["error"]
    code, out = cli("settings", "set", "notice.days=10", f"backup.folder={tmp_path / 'b'}")
    assert code == 0 and out["changed"]["notice.days"] == 10
    code, out = cli("settings", "show")
    assert out["notice.days"] == 10 and out["backup.keep_days"] == 30
    code, out = cli("backup-auto")
    assert code == 0 and out["file"].startswith(str(tmp_path / "b" / "auto-daily-"))
    code, out = cli("backup-inspect", out["file"])
    assert code == 0 and out["compatible"] and out["counts"]["用户"] == 1
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"not a database at all" * 50)
    code, out = cli("backup-inspect", str(broken))
    assert code == 2 and "broken.sqlite3" in out["error"]
    code, out = cli("print", "report", "monthly", "--out", str(tmp_path / "m.pdf"))
    assert code == 0 and (tmp_path / "m.pdf").exists()

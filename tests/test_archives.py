"""一户一档，一式三份: copy states, scans checked by content, printed copies, hand-over, checklist versions."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select

from desktop.cli import main
from desktop.errors import InputRejected, Refused
from desktop.models import Archive, ArchiveChecklist, ArchiveCopyLog, ArchiveItem, ArchiveTally
from desktop.services.archives import archive_reports, archives
from desktop.services.households import households
from desktop.services.roster.roster_import import import_roster
from tests.conftest import ADMIN_PASSWORD
from tests.pdfcheck import page_text

EXITED = "41142310221200005"  # 王花国, 脱贫户 since 2018: every stage is due
NOT_EXITED = "41142410520800001"  # 董超玉, 突发严重困难户: only 识别 and 帮扶


def jpeg(w: int = 900, h: int = 1200) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (w, h), "#d0e0f0").save(out, "JPEG")
    return out.getvalue()


def scanned_pdf(*texts: str) -> bytes:
    out = io.BytesIO()
    c = Canvas(out)
    for t in texts:
        c.drawString(100, 700, t)
        c.showPage()
    c.save()
    return out.getvalue()


@pytest.fixture
def roster(db, admin, sample):
    import_roster(db, admin, sample("roster-small.xlsx"))
    return db


def state(db, admin, code: str, key: str) -> dict[str, str]:
    st = archives.status(db, admin, code)
    return next(i for i in st.items if i.key == key).copies


def test_an_item_added_printed_then_changed_moves_through_the_copy_states(roster, admin, tmp_path):
    db = roster
    assert state(db, admin, EXITED, "application") == {
        "township": "缺失",
        "village": "缺失",
        "household": "缺失",
    }

    archives.record_item(db, admin, EXITED, "贫困户申请书", note="本人申请")
    assert set(state(db, admin, EXITED, "application").values()) == {"需更新"}  # no copy holds it yet

    archives.print_copy(db, admin, EXITED, "township", tmp_path / "t.pdf")
    assert state(db, admin, EXITED, "application") == {
        "township": "齐全",
        "village": "需更新",
        "household": "需更新",
    }
    st = archives.status(db, admin, EXITED)
    assert st.counts("township") == {"齐全": 1, "缺失": 17, "需更新": 0}

    archives.record_item(db, admin, EXITED, "application", note="补充签字")  # changed after printing
    assert state(db, admin, EXITED, "application")["township"] == "需更新"
    archives.print_copy(db, admin, EXITED, "township", tmp_path / "t2.pdf")
    assert state(db, admin, EXITED, "application")["township"] == "齐全"


def test_exit_stages_are_due_only_after_the_household_has_left_poverty(roster, admin):
    assert archives.status(roster, admin, EXITED).stages_due == ["identify", "assist", "exit", "consolidate"]
    st = archives.status(roster, admin, NOT_EXITED)
    assert st.stages_due == ["identify", "assist"]
    assert sum(st.counts("village").values()) == 11
    assert next(i for i in st.items if i.key == "exit_notice").copies["village"] == "未到"


def test_a_file_that_is_not_really_an_image_or_pdf_is_refused_and_nothing_is_written(roster, admin):
    with pytest.raises(InputRejected, match="“合同.jpg”不是PDF、JPG或PNG文件"):
        archives.record_item(roster, admin, EXITED, "application", files=[("合同.jpg", b"MZ\x90\x00 an exe")])
    with pytest.raises(InputRejected, match="“扫描.png”已损坏"):
        archives.record_item(roster, admin, EXITED, "application", files=[("扫描.png", jpeg()[:400])])
    assert state(roster, admin, EXITED, "application")["township"] == "缺失"  # nothing half-written


def test_an_oversized_scan_is_refused_with_its_size(roster, admin):
    from desktop.models import Setting

    with roster.write() as s:
        s.merge(Setting(key="archive.max_attachment_mb", value=1))
    big = io.BytesIO()
    Image.effect_noise((1400, 1400), 80).convert("RGB").save(big, "PNG")
    with pytest.raises(InputRejected, match=r"超过单个附件上限1 MB"):
        archives.record_item(roster, admin, EXITED, "application", files=[("大图.png", big.getvalue())])


def test_a_printed_copy_has_its_name_on_the_cover_true_page_numbers_and_the_scans_inside(
    roster, admin, tmp_path
):
    db = roster
    archives.record_item(db, admin, EXITED, "application", files=[("申请书.jpg", jpeg())])
    archives.record_item(
        db,
        admin,
        EXITED,
        "review",
        note="到会代表21人",
        files=[("评议记录.pdf", scanned_pdf("MEETING-P1", "MEETING-P2"))],
    )
    archives.record_item(
        db, admin, EXITED, "exit_notice", files=[("公示照片.jpg", jpeg()), ("公示2.jpg", jpeg(1200, 900))]
    )
    out = tmp_path / "village.pdf"
    printed = archives.print_copy(db, admin, EXITED, "village", out)

    texts = page_text(out)
    # cover, contents, the list (of the items not recorded), 申请书, 评议 (its first PDF page under its record,
    # the second on a page of its own), 公示 (+1 for its second image)
    assert printed.pages == len(texts) == 1 + 1 + 1 + 1 + 2 + 2
    assert "村存档" in texts[0] and "DA-41142310221200005" in texts[0] and "王花国" in texts[0]
    contents = texts[1]
    # Every recorded item's page number on the contents page is the page that carries its title.
    for title in ("贫困户申请书", "村民代表民主评议记录", "退出公示"):
        line = next(line for line in contents.splitlines() if title in line)
        number = int(line.split()[-1])
        assert "【" in texts[number - 1] and title in texts[number - 1]
    assert "乡镇审核公示（缺）" in contents.replace(" ", "")
    # The scans are in: the image on the item's page, the PDF's pages merged on its page and after it.
    reader = PdfReader(str(out))
    assert len(reader.pages[3].images) == 1
    assert "MEETING-P1" in texts[4] and "MEETING-P2" in texts[5]
    # Every page after the cover says when it was printed, and which copy it is.
    assert all("打印日期" in t and "村存档" in t for t in texts[1:])
    assert state(db, admin, EXITED, "review")["village"] == "齐全"


def test_hand_over_is_logged_against_the_newest_print(roster, admin, tmp_path):
    archives.record_item(roster, admin, EXITED, "application")
    with pytest.raises(Refused, match="还没有打印过"):
        archives.hand_over(roster, admin, EXITED, "household", "王花国")
    archives.print_copy(roster, admin, EXITED, "household", tmp_path / "h.pdf")
    archives.hand_over(roster, admin, EXITED, "household", "王花国", signed_by="王花国")
    log = archives.status(roster, admin, EXITED).log
    assert [(e.copy, e.handed_to) for e in log] == [("household", "王花国")]
    with pytest.raises(Refused, match="已于"):
        archives.hand_over(roster, admin, EXITED, "household", "王花国")


def test_a_new_checklist_version_leaves_existing_archives_their_list(roster, admin):
    archives.record_item(roster, admin, EXITED, "application")  # this archive is made under version 1
    items = [
        {"key": "application", "stage": "identify", "title": "申请书"},
        {"key": "photo", "stage": "assist", "title": "帮扶照片"},
    ]
    assert archives.set_checklist(roster, admin, items, note="县里新要求") == 2
    assert archives.status(roster, admin, EXITED).checklist_version == 1
    assert len(archives.status(roster, admin, EXITED).items) == 18
    fresh = archives.status(roster, admin, NOT_EXITED)
    assert (fresh.checklist_version, [i.title for i in fresh.items]) == (2, ["申请书", "帮扶照片"])
    with pytest.raises(InputRejected, match="编号“photo”重复"):
        archives.set_checklist(roster, admin, items + [{"key": "photo", "stage": "exit", "title": "x"}])


def test_the_completeness_ledger_counts_per_copy_with_village_totals(roster, admin, tmp_path):
    archives.record_item(roster, admin, EXITED, "application")
    out = tmp_path / "ledger.pdf"
    result = archive_reports.completeness_ledger(roster, admin, out, village="石桥镇/周堂村")
    text = "\n".join(page_text(out))
    assert (
        result.rows >= 1 and "档案完整性台账" in text and "合计" in text and "周堂村小计" not in text
    )  # one village: its 合计 only
    assert "各份需更新：贫困户申请书" in text.replace("\n", "")


def test_archive_status_and_print_archive_from_the_command_line(
    roster, tmp_path, capsys, monkeypatch, db_url
):
    monkeypatch.setenv("DESKTOP_USER", "admin")
    monkeypatch.setenv("DESKTOP_PASSWORD", ADMIN_PASSWORD)
    scan = tmp_path / "申请书.jpg"
    scan.write_bytes(jpeg())
    assert (
        main(["--db", db_url, "archive", "record", EXITED, "--item", "application", "--attach", str(scan)])
        == 0
    )
    fake = tmp_path / "fake.pdf"
    fake.write_text("not a pdf")
    assert main(["--db", db_url, "archive", "record", EXITED, "--item", "review", "--attach", str(fake)]) == 2
    capsys.readouterr()
    assert main(["--db", db_url, "--json", "archive", "status", "--village", "石桥镇/周堂村"]) == 0
    data = json.loads(capsys.readouterr().out)
    mine = next(h for h in data["households"] if h["code"] == EXITED)
    assert mine["copies"]["township"]["stages"]["identify"]["outdated"] == ["贫困户申请书"]
    assert mine["copies"]["township"]["missing"] == 17
    out = tmp_path / "copy.pdf"
    assert main(["--db", db_url, "print", "archive", EXITED, "--copy", "township", "--out", str(out)]) == 0
    assert out.exists()
    capsys.readouterr()
    main(["--db", db_url, "--json", "archive", "status", "--household", EXITED])
    data = json.loads(capsys.readouterr().out)
    assert data["households"][0]["copies"]["township"]["complete"] == 1


def test_the_home_pages_completeness_counts_agree_with_the_full_status(roster, admin, tmp_path):
    for code in (EXITED, NOT_EXITED):
        for item in archives.checklist(roster).items:
            archives.record_item(roster, admin, code, item.key)
        archives.print_copy(roster, admin, code, "township", tmp_path / f"{code}.pdf")
    archives.record_item(roster, admin, NOT_EXITED, "application", note="改过")  # township copy now outdated
    copies, counts = archives.complete_counts(roster, admin)
    expected: dict[str, tuple[int, dict[str, int]]] = {}
    with roster.read() as s:
        labels = households.village_labels(s)  # this roster repeats village and township names
    for v in households.villages(roster, admin):
        label = labels[v.id]
        statuses = archives.village_status(roster, admin, v.qualified)
        expected[label] = (len(statuses), {k: sum(st.complete(k) for st in statuses) for k, _ in copies})
    assert counts == dict(sorted(expected.items()))
    assert sum(c["township"] for _n, c in counts.values()) == 1  # only the exited household, still up to date


def _kept(db) -> dict[tuple[int, str], tuple[int, ...]]:
    with db.read() as s:
        return {
            (t.archive_id, t.copy): (t.identify, t.assist, t.exit, t.consolidate)
            for t in s.scalars(select(ArchiveTally))
        }


def _recomputed(db) -> dict[tuple[int, str], tuple[int, ...]]:
    """The tally from scratch: every archive's items and the newest print of each copy."""
    out = {}
    with db.read() as s:
        for a in s.scalars(select(Archive)):
            items = s.get(ArchiveChecklist, a.checklist_id).items
            have = {i.item_key: i.revision for i in s.scalars(select(ArchiveItem).filter_by(archive_id=a.id))}
            printed = {
                log.copy: log.contents
                for log in s.scalars(
                    select(ArchiveCopyLog).filter_by(archive_id=a.id).order_by(ArchiveCopyLog.id)
                )
            }
            tally = archives.tally_of({i["key"]: i["stage"] for i in items}, have, printed)
            out |= {(a.id, copy): tuple(n.values()) for copy, n in tally.items()}
    return out


def _check_counts(db, admin) -> None:
    assert _kept(db) == _recomputed(db)
    kept = archives.village_status(db, admin)  # counts from the kept tally, items not read
    full = archives.village_status(db, admin, items=True)  # every item's state, one read
    assert [st.code for st in kept] == [st.code for st in full]
    for fast, slow in zip(kept, full, strict=True):
        for key, _ in slow.copies:
            assert (fast.code, fast.counts(key), fast.complete(key)) == (
                slow.code,
                slow.counts(key),
                slow.complete(key),
            )
    copies, counts = archives.complete_counts(db, admin)
    assert sum(c[key] for _n, c in counts.values() for key, _ in copies) == sum(
        st.complete(key) for st in full for key, _ in copies
    )
    # the lazily read items are the same states as those read at once
    assert [(i.key, i.recorded, i.revision, i.copies) for i in kept[0].items] == [
        (i.key, i.recorded, i.revision, i.copies) for i in full[0].items
    ]


def test_the_kept_counts_follow_recording_printing_revising_and_detaching(roster, admin, tmp_path):
    db = roster
    _check_counts(db, admin)  # no archive at all
    for code in (EXITED, NOT_EXITED):
        for item in archives.checklist(db).items[:8]:
            archives.record_item(db, admin, code, item.key)
    _check_counts(db, admin)
    for code in (EXITED, NOT_EXITED):
        for item in archives.checklist(db).items[8:]:
            archives.record_item(db, admin, code, item.key)
        archives.print_copy(db, admin, code, "township", tmp_path / f"{code}-t.pdf")
        archives.print_copy(db, admin, code, "village", tmp_path / f"{code}-v.pdf")
    _check_counts(db, admin)
    archives.record_item(db, admin, EXITED, "application", note="改过")  # both printed copies now 需更新
    archives.record_item(db, admin, NOT_EXITED, "monitoring", note="巩固阶段")  # not due for this household
    archives.add_files(db, admin, NOT_EXITED, "visits", [("v.jpg", jpeg(300, 400))])
    _check_counts(db, admin)
    archives.print_copy(db, admin, EXITED, "township", tmp_path / "again.pdf")
    archives.print_copy(db, admin, NOT_EXITED, "township", tmp_path / "with-scan.pdf")
    assert state(db, admin, NOT_EXITED, "visits")["township"] == "齐全"
    attachment = archives.status(db, admin, NOT_EXITED).items[8].attachments[0].id
    archives.remove_attachment(db, admin, attachment)  # the item's revision goes up: its copies 需更新
    assert state(db, admin, NOT_EXITED, "visits")["township"] == "需更新"
    _check_counts(db, admin)
    # an archive made under a new checklist version is counted against its own list
    archives.set_checklist(
        db,
        admin,
        [
            *({"key": i.key, "stage": i.stage, "title": i.title} for i in archives.checklist(db).items),
            {"stage": "assist", "title": "产业奖补凭证"},
        ],
    )
    other = next(
        r.code
        for r in households.rows(db, households.search_ids(db, admin, ""))
        if r.code not in (EXITED, NOT_EXITED)
    )
    archives.record_item(db, admin, other, "application")
    _check_counts(db, admin)
    kept = _kept(db)

    # the migration that made the table fills it with the same counts
    from alembic import command
    from alembic.script import ScriptDirectory

    with db.engine.connect() as conn, conn.begin():
        config = db._alembic_config(conn)
        command.downgrade(config, ScriptDirectory.from_config(config).get_revision("0023").down_revision)
    db.upgrade()
    assert _kept(db) == kept


def test_the_stages_due_follow_the_kind_and_the_exit_year_in_the_village_list(roster, admin):
    """village_status reads a household's 脱贫年度 only where its 户类型 does not already say it has left poverty:
    the stages due must still be what households.has_exited says from the whole record — a 脱贫户 with no year,
    an 一般农户 or 边缘易致贫户 with a year (left, then reclassified), and one with neither."""
    from desktop.models import Household

    with roster.write() as s:
        found = list(s.scalars(select(Household).order_by(Household.id)))
        assert len(found) >= 4
        for h, (kind, year) in zip(
            found,
            [("脱贫户", None), ("一般农户", 2019), ("边缘易致贫户", "2020"), ("一般农户", None)],
            strict=False,
        ):
            h.household_kind = kind
            attrs = dict(h.attrs or {})
            attrs.pop("exit_year", None)
            if year is not None:
                attrs["exit_year"] = year
            h.attrs = attrs
    with roster.read() as s:
        expected = {
            h.code: households.has_exited(h.household_kind, (h.attrs or {}).get("exit_year"))
            for h in s.scalars(select(Household))
        }
    listed = {st.code: st.stages_due for st in archives.village_status(roster, admin)}
    assert set(listed) == set(expected)
    assert {code for code, due in listed.items() if "exit" in due} == {
        c for c, left in expected.items() if left
    }
    assert any(expected.values()) and not all(expected.values())

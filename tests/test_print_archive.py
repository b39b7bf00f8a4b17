"""A printed archive copy reads as an inspector needs it: items without scans in a compact list (several to a
page, every field in full, missing items marked), a page of its own only for an item with scans, contents
whose page numbers are true, and nothing printed within 10 mm of the paper's edge."""

from __future__ import annotations

import io
import re
from datetime import date

import pdfplumber
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from desktop.clock import cn_date
from desktop.services.archives import archives
from desktop.services.roster.roster_import import import_roster
from desktop.services.system.actor import Actor
from desktop.services.system.users import create_user
from tests.conftest import ADMIN
from tests.pdfcheck import MM, page_text

EXITED = "41142310221200005"  # 王花国, 脱贫户 since 2018: all 18 items of the checklist are due
PRINTED = date(2026, 12, 2)
CLERK = Actor("lwsh", "clerk", "李文书")
LONG_NOTE = (
    "经村民代表大会民主评议，到会代表二十一人，全票同意；会后张榜公示七天，无异议。"
    "原始签到表与表决票由村委会档案柜第3格保存，扫描件待补（2026年第4季度）。"
)


def jpeg(w: int = 900, h: int = 1200) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (w, h), "#d0e0f0").save(out, "JPEG")
    return out.getvalue()


def scanned_pdf(*texts: str) -> bytes:
    """A scan whose pages are drawn to their very edge: the copy must still keep them inside its margins."""
    out = io.BytesIO()
    c = Canvas(out, pagesize=A4)
    for t in texts:
        c.rect(0, 0, A4[0], A4[1], stroke=1, fill=0)
        c.drawString(100, 700, t)
        c.showPage()
    c.save()
    return out.getvalue()


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def roster(db, admin, sample):
    import_roster(db, admin, sample("roster-small.xlsx"))
    create_user(db, ADMIN, CLERK.username, "secret-1", "clerk", display_name=CLERK.display_name)
    return db


# key → (done_on, note, actor); the 8 without scans, then the 2 with
PLAIN = {
    "first_notice": (date(2018, 3, 5), "村务公开栏张贴七日", ADMIN),
    "township_review": (date(2018, 3, 20), "", CLERK),
    "collection_form": (date(2018, 4, 1), "表内人口4人", ADMIN),
    "plan": (date(2018, 5, 10), LONG_NOTE, CLERK),
    "handbook": (date(2018, 5, 12), "手册一本，户存", ADMIN),
    "visits": (date(2019, 11, 30), "全年走访12次", CLERK),
    "income_check": (date(2019, 12, 1), "年人均纯收入4,560.50元", ADMIN),
    "exit_notice": (date(2019, 12, 15), "公示无异议", CLERK),
}
SCANNED = {
    "application": (date(2018, 2, 1), "本人手写申请", ADMIN, [("申请书.jpg", jpeg())]),
    "review": (
        date(2018, 2, 20),
        "到会代表21人",
        CLERK,
        [("评议记录.pdf", scanned_pdf("MEETING-P1", "MEETING-P2"))],
    ),
}


def record_ten(db) -> None:
    for key, (day, note, who) in PLAIN.items():
        archives.record_item(db, who, EXITED, key, done_on=day, note=note)
    for key, (day, note, who, files) in SCANNED.items():
        archives.record_item(db, who, EXITED, key, done_on=day, note=note, files=files)


def contents_pages(texts: list[str]) -> dict[str, int | None]:
    """Item title → the page number the contents give it (None for a dash)."""
    out: dict[str, int | None] = {}
    for t in texts:
        if "目录" not in flat(t):
            continue
        for line in t.splitlines():
            m = re.match(r"^(\d+)\s+(识别|帮扶|退出|巩固)\s+(.+?)\s+(\d+|—)$", line.strip())
            if m:
                out[m.group(3).replace("（缺）", "").strip()] = None if m.group(4) == "—" else int(m.group(4))
    return out


def column_text(path, header: str, *, pages: list[int] | None = None) -> str:
    """Everything printed in a column of the list (between the rules either side of its head), page after
    page, whitespace removed: a cell that wraps over lines (or continues on the next page) reads back whole."""
    parts: list[str] = []
    with pdfplumber.open(path) as pdf:
        for n, page in enumerate(pdf.pages, start=1):
            if pages is not None and n not in pages:
                continue
            head = next((w for w in page.extract_words() if w["text"] == header), None)
            if head is None:
                continue
            rules = [
                ln["x0"]
                for ln in page.lines
                if abs(ln["x0"] - ln["x1"]) < 0.1 and ln["top"] <= head["top"] <= ln["bottom"]
            ]
            middle = (head["x0"] + head["x1"]) / 2
            if not rules:
                continue  # the contents page: a head of that name, but not the list's ruled table
            left = max(x for x in rules if x < middle)
            right = min(x for x in rules if x > middle)
            crop = page.crop((left + 0.5, head["bottom"] + 1, right - 0.5, page.height - 20 * MM))
            parts.append(crop.extract_text() or "")
    return flat("".join(parts))


def row_text(path, number: int, title: str) -> str:
    """The line of page `number` on which the list row of `title` starts (its name may wrap below it)."""
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[number - 1]
        start = next(w for w in page.extract_words() if w["text"].startswith(title[:4]))
        return flat(page.crop((0, start["top"] - 1, page.width, start["bottom"] + 1)).extract_text() or "")


def recorder(actor: Actor) -> str:
    return actor.display_name


def test_a_copy_lists_the_items_without_scans_compactly_and_gives_pages_only_to_scans(
    roster, admin, tmp_path
):
    record_ten(roster)
    out = tmp_path / "township.pdf"
    printed = archives.print_copy(roster, admin, EXITED, "township", out, today=PRINTED)
    texts = page_text(out)
    assert printed.pages == len(texts)
    # cover + contents + 1–2 list pages + 申请书 (image on its page) + 评议 (2 PDF pages): was 14 pages
    assert 6 <= printed.pages <= 7
    # the printed date on every page, the cover included
    assert cn_date(PRINTED) in texts[0]
    assert all(f"打印日期：{cn_date(PRINTED)}" in flat(t) for t in texts[1:])


def test_the_contents_page_numbers_point_at_the_pages_that_hold_each_item(roster, admin, tmp_path):
    record_ten(roster)
    out = tmp_path / "village.pdf"
    archives.print_copy(roster, admin, EXITED, "village", out, today=PRINTED)
    texts = page_text(out)
    pages = contents_pages(texts)
    st = archives.status(roster, admin, EXITED)
    assert set(pages) == {i.title for i in st.items}  # all 18 items, recorded or not
    scan_pages = set()
    for item in st.items:
        number = pages[item.title]
        assert number is not None, item.title
        held = flat(texts[number - 1])
        if item.key in SCANNED:
            assert f"【{archives.STAGES[item.stage]}】{item.title}" in held  # its own page, headed by it
            scan_pages.add(number)
        else:  # a row of the list on that page
            assert item.title in column_text(out, "材料名称", pages=[number]), (item.title, number)
    # the items with scans come after the list, each on its own page
    assert len(scan_pages) == 2 and min(scan_pages) > max(
        pages[i.title] for i in st.items if i.key not in SCANNED
    )
    assert "MEETING-P1" in texts[pages["村民代表民主评议记录"] - 1]
    assert "MEETING-P2" in texts[pages["村民代表民主评议记录"]]


def test_every_field_of_every_item_is_printed_in_full(roster, admin, tmp_path):
    record_ten(roster)
    out = tmp_path / "household.pdf"
    archives.print_copy(roster, admin, EXITED, "household", out, today=PRINTED)
    texts = page_text(out)
    pages = contents_pages(texts)
    names, dates, recorders, notes = (column_text(out, h) for h in ("材料名称", "材料日期", "登记人", "说明"))
    titles = {i.key: i.title for i in archives.checklist(roster).items}
    for key, (day, note, who) in PLAIN.items():
        assert titles[key] in names
        assert cn_date(day) in dates
        assert recorder(who) in recorders
        assert flat(note) in notes, key
    for key, (day, note, who, files) in SCANNED.items():
        page = flat(texts[pages[titles[key]] - 1])
        for text in (titles[key], cn_date(day), recorder(who), note, files[0][0]):
            assert flat(text) in page, (key, text)
    # the long note wrapped: no single line of the page holds it, yet its column gives it back whole
    assert not any(flat(LONG_NOTE) in flat(line) for t in texts for line in t.splitlines())
    assert flat(LONG_NOTE) in notes


def test_missing_items_are_marked_as_missing_in_the_list(roster, admin, tmp_path):
    record_ten(roster)
    out = tmp_path / "township.pdf"
    printed = archives.print_copy(roster, admin, EXITED, "township", out, today=PRINTED)
    texts = page_text(out)
    pages = contents_pages(texts)
    missing = [i for i in archives.status(roster, admin, EXITED).items if not i.recorded]
    assert len(missing) == 8 and printed.missing == [i.title for i in missing]
    for item in missing:
        assert item.title in column_text(out, "材料名称", pages=[pages[item.title]])
        assert "缺失" in row_text(out, pages[item.title], item.title), item.title
    # and the contents say so too
    contents = flat(next(t for t in texts if "目录" in flat(t)))
    assert all(f"{i.title}（缺）" in contents for i in missing)


def test_a_long_list_continues_with_its_header_and_a_note_longer_than_a_page_is_complete(
    roster, admin, tmp_path
):
    items = archives.checklist(roster).items
    huge = "".join(
        f"第{n}条：本户享受教育、健康、住房、产业各项政策，材料齐备，另册保存。" for n in range(1, 61)
    )
    notes = {}
    for n, item in enumerate(items):
        notes[item.key] = huge if item.key == "benefits" else f"{item.title}说明{n}：" + LONG_NOTE
        archives.record_item(
            roster, admin, EXITED, item.key, done_on=date(2019, 1, 1 + n), note=notes[item.key]
        )
    out = tmp_path / "long.pdf"
    archives.print_copy(roster, admin, EXITED, "township", out, today=PRINTED)
    texts = page_text(out)
    pages = contents_pages(texts)
    list_pages = [n for n, t in enumerate(texts, start=1) if "材料名称" in t and "目录" not in flat(t)]
    assert len(list_pages) >= 3
    for n in list_pages:  # the column heads again on every page of the list
        head = next(line for line in texts[n - 1].splitlines() if "材料名称" in line)
        assert all(h in head for h in ("序号", "阶段", "材料名称", "材料日期", "登记人", "说明"))
    column = column_text(out, "说明")
    for item in items:
        assert flat(notes[item.key]) in column, item.key
        assert item.title in column_text(out, "材料名称", pages=[pages[item.title]])
    assert column.count(flat(huge)) == 1
    # an item's row starts on the page the contents give: its date is printed there
    dates = {i.key: date(2019, 1, 1 + n) for n, i in enumerate(items)}
    for item in items:
        assert cn_date(dates[item.key]) in column_text(out, "材料日期", pages=[pages[item.title]])


def test_nothing_is_printed_within_10_mm_of_the_paper_edge(roster, admin, tmp_path):
    record_ten(roster)
    archives.record_item(roster, admin, EXITED, "policy_card", files=[("宽图.jpg", jpeg(3000, 400))])
    out = tmp_path / "township.pdf"
    archives.print_copy(roster, admin, EXITED, "township", out, today=PRINTED)
    edge = 10 * MM
    with pdfplumber.open(out) as pdf:
        for n, page in enumerate(pdf.pages, start=1):
            things = page.chars + page.rects + page.lines + page.curves + page.images
            assert things
            for o in things:
                box = (o["x0"], o["top"], o["x1"], o["bottom"])
                assert box[0] >= edge and box[1] >= edge, (n, o.get("text", o.get("object_type")), box)
                assert page.width - box[2] >= edge and page.height - box[3] >= edge, (n, box)


def test_a_scanned_items_long_record_continues_on_the_next_page_and_long_titles_wrap(tmp_path):
    from desktop.reports.archive_copy import ArchiveDocument, ItemSection, ScanFile, render_archive

    note = "".join(
        f"第{n}次走访：了解收入、就医、就学、住房情况，宣讲政策，填写帮扶手册。" for n in range(1, 45)
    )
    long_title = "村民代表民主评议会议记录及到会代表签到表、表决票和评议结果汇总表"
    sections = [
        ItemSection(
            "帮扶",
            "走访记录",
            True,
            date(2024, 1, 5),
            note,
            "李文书",
            [ScanFile("走访.jpg", "jpeg", 1, jpeg())],
        ),
        ItemSection("识别", long_title, True, date(2024, 2, 5), "", "管理员", []),
        ItemSection("识别", "县级审定公告", False, None, "", "", []),
    ]
    doc = ArchiveDocument(
        "DA-1", "乡镇存档", 1, 3, "张三", "411", "某县某镇某村1组", 4, "某镇人民政府", PRINTED, sections
    )
    out = tmp_path / "copy.pdf"
    info = render_archive(doc, out)
    texts = page_text(out)
    assert info.pages == len(texts)
    toc = dict(info.toc)
    own = toc["走访记录"]
    # its record runs on to a page headed 走访记录（续）, every character of the note printed inside the margins
    assert "【帮扶】走访记录" in flat(texts[own - 1]) and "【帮扶】走访记录（续）" in flat(texts[own])
    record = []
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages[own - 1 : own + 1]:
            crop = page.crop((52 * MM - 1, 35 * MM + 1, page.width - 20 * MM + 1, page.height - 20 * MM))
            record.append(crop.extract_text() or "")
        assert len(pdf.pages[info.pages - 1].images) == 1  # and the scan after it
    assert flat(note) in flat("".join(record))
    # a title too long for a line wraps in the contents and in the list, and still gets its true page number
    assert toc[long_title] == 3 and long_title in column_text(out, "材料名称", pages=[3])
    contents = flat(texts[1])
    assert long_title in contents and "县级审定公告（缺）" in contents

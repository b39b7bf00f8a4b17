"""The notice layout against GB/T 9704 and the privacy rules, read back from the PDF."""

from __future__ import annotations

import re
from datetime import date

import pdfplumber
import pytest
from sqlalchemy import update

from desktop.models import Household
from desktop.reports.mask import leaks, mask
from desktop.reports.notice import Notice, NoticeTable, render_notice
from desktop.services.households import printing
from desktop.services.roster.roster_import import import_roster
from tests.pdfcheck import MM, embedded_fonts, page_text


@pytest.fixture
def notice_pdf(db, admin, sample, tmp_path):
    from desktop.services.demo import add_demo_households

    import_roster(db, admin, sample("roster-messy.xlsx"))
    add_demo_households(db, admin, 300)  # 30 households a village: the list runs onto a second page
    _post_round(db, admin, "柘城县柳河镇/孙桥村", date(2026, 11, 25), 7)  # the list: a round's households
    out = tmp_path / "notice.pdf"
    result = printing.household_notice(
        db, admin, "柘城县柳河镇/孙桥村", out, days=7, start=date(2026, 11, 25)
    )
    return out, result


def _post_round(db, admin, village: str, start: date, days: int | None = None) -> int:
    """An identification round proposing every household of the village, in its 村公示 from `start`."""
    from desktop.services.households import households
    from desktop.services.plans import identification

    codes = [h.code for h in households.list_households(db, admin, village=village)]
    rid = identification.create_round(db, admin, village, start.year, on=start)
    identification.add_households(db, admin, rid, codes)
    identification.step(db, admin, rid, "村公示", on=start, days=days)
    return rid


def test_page_is_a4_portrait_and_every_font_is_embedded(notice_pdf):
    path, _ = notice_pdf
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            assert (round(page.width / MM), round(page.height / MM)) == (210, 297)
    fonts = embedded_fonts(path)
    assert fonts and all(fonts.values()), fonts


def test_margins_title_and_body_sizes_follow_gbt9704(notice_pdf):
    path, _ = notice_pdf
    with pdfplumber.open(path) as pdf:
        chars = pdf.pages[0].chars
        title = [c for c in chars if round(c["size"]) == 22]
        body = [c for c in chars if round(c["size"]) == 16]
        assert title and body
        # The title's glyph tops sit on the type area's top edge, 37 mm below the paper edge.
        assert abs(min(c["top"] for c in title) / MM - 37) <= 1
        # Body lines start at the 28 mm left margin; the first line is indented two characters.
        lefts = sorted({round(c["x0"] / MM, 1) for c in body})
        assert abs(lefts[0] - 28) <= 1
        assert any(abs(x - (28 + 2 * 156 / 28)) <= 1 for x in lefts)
        # Nothing crosses the type area's right edge (28 + 156 mm), allowing hanging punctuation.
        assert max(c["x1"] for c in body if c["text"] not in "，。、；：") / MM <= 28 + 156 + 0.5
        # 28 characters fill a full body line.
        first_line = [c for c in body if abs(c["top"] - body[0]["top"]) < 1]
        lines = {}
        for c in body:
            lines.setdefault(round(c["top"]), []).append(c)
        assert max(len(v) for v in lines.values()) >= 27
        assert first_line


def test_page_numbers_are_dashed_and_alternate_sides(notice_pdf):
    path, result = notice_pdf
    assert result.pages >= 2
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            footer = [w for w in page.extract_words(extra_attrs=["size"]) if w["top"] / MM > 297 - 35]
            words = [w for w in footer if w["size"] > 10]
            text = "".join(w["text"] for w in words)
            assert re.fullmatch(rf"—\s*{number}\s*—", text), text
            # under it, small and on its side: the 审计校验码 (≥ 10 mm from the paper's edge)
            stamp = [w for w in footer if w["size"] <= 10]
            assert re.fullmatch(r"审计校验码\d+-[0-9A-Z]{5}-[0-9A-Z]{5}", "".join(w["text"] for w in stamp))
            assert min(w["top"] for w in stamp) > max(w["bottom"] for w in words)
            assert 297 - max(w["bottom"] for w in stamp) / MM >= 10
            if number % 2:
                assert abs(max(w["x1"] for w in stamp) - max(w["x1"] for w in words)) < 1
            else:
                assert abs(min(w["x0"] for w in stamp) - min(w["x0"] for w in words)) < 1
            left, right = min(w["x0"] for w in words) / MM, max(w["x1"] for w in words) / MM
            if number % 2:
                assert abs(right - (28 + 156 - 14 / MM)) <= 1.5  # odd: right-aligned, one character in
            else:
                assert abs(left - (28 + 14 / MM)) <= 1.5  # even: left-aligned, one character in
            # 7 mm below the type area (whose bottom is 35 mm above the paper's bottom edge).
            assert abs(min(w["top"] for w in words) / MM - (297 - 35 + 7)) <= 1


def test_list_continues_with_its_header_on_every_page_and_nothing_leaks(notice_pdf):
    path, result = notice_pdf
    pages = page_text(path)
    assert all("户主姓名" in text for text in pages[: result.pages])
    whole = "".join(pages)
    assert leaks(whole) == []
    assert "411424********" in whole
    assert "公示时间：2026年11月25日至2026年12月1日（共7天）" in whole.replace(" ", "").replace("\n", "")
    assert "12317" in whole


def test_a_rare_name_character_is_printed_from_a_font_that_has_it(db, admin, sample, tmp_path):
    import_roster(db, admin, sample("roster-small.xlsx"))
    with db.write() as s:
        s.execute(update(Household).where(Household.code == "41142410520800001").values(head_name="张𠮷䶮"))
    _post_round(db, admin, "柘城县逻岗镇/孙桥村", date(2026, 11, 25))
    out = tmp_path / "rare.pdf"
    printing.household_notice(db, admin, "柘城县逻岗镇/孙桥村", out)
    with pdfplumber.open(out) as pdf:
        chars = [c for p in pdf.pages for c in p.chars if c["text"] in "𠮷䶮"]
    assert {c["text"] for c in chars} == {"𠮷", "䶮"}
    from desktop.reports.fonts import load_fonts

    fonts = load_fonts()
    for c in chars:
        used = next(f for f in fonts.chain("body") if f.name.split("-", 1)[1] in c["fontname"])
        assert fonts.covers(used, c["text"])


def test_a_village_name_shared_by_two_townships_must_be_qualified(db, admin, sample, tmp_path):
    from desktop.errors import InputRejected
    from desktop.services.demo import add_demo_households

    import_roster(db, admin, sample("roster-small.xlsx"))
    add_demo_households(db, admin, 20)
    with pytest.raises(InputRejected, match="不唯一"):
        printing.household_notice(db, admin, "孙桥村", tmp_path / "x.pdf")


def test_notice_period_follows_the_configured_days(tmp_path):
    from desktop.reports.notice import notice_period

    assert notice_period(date(2026, 12, 28), 7) == (date(2026, 12, 28), date(2027, 1, 3))
    assert notice_period(date(2026, 11, 25), 5)[1] == date(2026, 11, 29)


def test_one_page_notice_without_a_table(tmp_path):
    out = tmp_path / "short.pdf"
    info = render_notice(
        Notice(
            "关于开展星级评定的通知",
            ["各村民小组：请于12月5日前报送本组评定名单。"],
            "柳河镇人民政府",
            date(2026, 11, 25),
        ),
        out,
    )
    assert info.pages == 1
    text = page_text(out)[0]
    assert "柳河镇人民政府" in text and "2026年11月25日" in text.replace(" ", "")


def test_mask_formats():
    assert mask("id_number", "41142419661020042X") == "411424********042X"
    assert mask("phone", "18486399530") == "184****9530"
    assert mask("bank_account", "6293685102069253246") == "629368*********3246"
    assert mask("health", "患有大病") == ""
    assert mask("address", "孙桥村1组23号院") == "孙桥村1组"
    assert mask("id_number", "41142419661020042X", "internal") == "41142419661020042X"
    assert leaks("身份证 41142419661020042X 电话 18486399530") == ["41142419661020042X", "18486399530"]


def test_a_table_that_does_not_fit_repeats_its_header(tmp_path):
    rows = [[str(i), f"{i % 8 + 1}组", f"户主{i}", "3"] for i in range(1, 120)]
    out = tmp_path / "long.pdf"
    info = render_notice(
        Notice(
            "名单",
            ["附名单如下。"],
            "某村民委员会",
            date(2026, 1, 5),
            table=NoticeTable(["序号", "组", "户主姓名", "人口"], rows, [1, 1, 2, 1]),
        ),
        out,
    )
    pages = page_text(out)
    assert info.pages >= 4 and all("户主姓名" in p for p in pages)
    assert "户主119" in pages[-1] or "户主119" in pages[-2]


def test_a_windows_font_in_the_font_folder_is_preferred_over_the_bundled_one(tmp_path, monkeypatch):
    import shutil

    from desktop.reports import fonts

    folder = tmp_path / "Fonts"
    folder.mkdir()
    shutil.copyfile(fonts.BUNDLED / "WorkbenchSans-Regular.ttf", folder / "simfang.ttf")  # stands in for 仿宋
    monkeypatch.setenv("DESKTOP_FONT_DIRS", str(folder))
    fonts.load_fonts.cache_clear()
    try:
        chosen = fonts.load_fonts().roles["body"]
        assert (chosen.display, chosen.bundled, chosen.path.name) == ("仿宋", False, "simfang.ttf")
        assert fonts.load_fonts().roles["title"].bundled  # no 小标宋 there: the bundled one stands in
        out = tmp_path / "n.pdf"
        render_notice(Notice("标题", ["正文𠮷"], "村委会", date(2026, 1, 1)), out)
        # 𠮷 is not in that font: it still prints, from the full-coverage fallback.
        with pdfplumber.open(out) as pdf:
            body = next(c for c in pdf.pages[0].chars if c["text"] == "正")
            rare = next(c for c in pdf.pages[0].chars if c["text"] == "𠮷")
        assert "Workbench-Sans" in body["fontname"]  # the font inside our stand-in simfang.ttf
        assert "LXGW" in rare["fontname"]
    finally:
        fonts.load_fonts.cache_clear()


def test_bank_accounts_count_as_leaks():
    assert leaks("账号 6293685102069253246") == ["6293685102069253246"]


@pytest.fixture(params=["listing", "plan", "completion", "funds"])
def project_notice_pdf(request, db, admin, tmp_path):
    """The 项目库's notices (desktop.services.projects.project_reports) on the same page: each runs to two pages."""
    from desktop.services.projects import project_reports
    from tests.projects_fixture import add_projects

    made = add_projects(db, 2026)
    out = tmp_path / f"{request.param}.pdf"
    start = date(2026, 12, 1)
    if request.param == "completion":
        result = project_reports.completion_notice(db, admin, made.solar, out, start=start)
    else:
        make = getattr(project_reports, f"{request.param}_notice")
        result = make(db, admin, 2026, out, start=start)
    return out, result, made


def test_project_notices_keep_the_geometry_page_numbers_and_masks(project_notice_pdf):
    path, result, made = project_notice_pdf
    test_page_is_a4_portrait_and_every_font_is_embedded((path, result))
    test_margins_title_and_body_sizes_follow_gbt9704((path, result))
    test_page_numbers_are_dashed_and_alternate_sides((path, result))
    whole = "".join(page_text(path))
    assert leaks(whole) == []
    assert all(full_id not in whole for _name, full_id, _code in made.heads)
    assert "12317" in whole and "2026年12月1日" in whole.replace(" ", "")

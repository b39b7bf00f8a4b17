"""One button, one transaction (issue 17): the settings page's fund-rule and print saves write all or nothing."""

from __future__ import annotations

import pytest

from desktop.errors import InputRejected
from desktop.services.fund import fund
from desktop.services.points import stores
from desktop.services.roster.roster_import import import_roster
from desktop.services.system import settings

V1, V2 = "柘城县逻岗镇/孙桥村", "宁陵县石桥镇/周堂村"


@pytest.fixture
def office(db, admin, sample):
    import_roster(db, admin, sample("roster-small.xlsx"))
    for v in (V1, V2):
        fund.create_fund(db, admin, v, match_percent=10, match_cap_fen=3000)
    stores.create_store(db, admin, "S01", "孙桥村爱心超市")
    stores.create_store(db, admin, "S02", "周堂村爱心超市")
    return db


def _rules(db, admin):
    return {r.village: (r.elder_age, r.payout_day) for r in fund.all_rules(db, admin)}


def test_a_bad_village_row_saves_no_village_and_no_office_setting(office, admin):
    before = _rules(office, admin)
    rows = [
        {"village": V1, "elder_age": 65, "payout_day": 10},  # valid
        {"village": V2, "elder_age": 65, "payout_day": 31},  # no 31st in every month
    ]
    with pytest.raises(InputRejected, match="周堂村.*都未保存"):
        fund.save_rules(office, admin, rows, {"fund.ledger_age": 70})
    assert _rules(office, admin) == before
    assert settings.get(office, "fund.ledger_age") != 70
    rows[1]["payout_day"] = 15
    changed = fund.save_rules(office, admin, rows, {"fund.ledger_age": 70})
    assert set(changed) == {V1, V2, "office"}
    assert settings.get(office, "fund.ledger_age") == 70


def test_receipt_widths_and_the_offset_are_saved_together(office, admin):
    with pytest.raises(InputRejected, match="S02.*58或80"):
        stores.save_print_settings(
            office, admin, [("S01", 80), ("S02", 70)], {"certificate.offset_mm": [1, 2]}
        )
    assert {s.code: s.receipt_width_mm for s in stores.list_stores(office, admin)} == {"S01": 58, "S02": 58}
    assert settings.get(office, "certificate.offset_mm") != [1, 2]
    stores.save_print_settings(office, admin, [("S01", 80), ("S02", 58)], {"certificate.offset_mm": [1, 2]})
    assert {s.code: s.receipt_width_mm for s in stores.list_stores(office, admin)} == {"S01": 80, "S02": 58}
    assert settings.get(office, "certificate.offset_mm") == [1, 2]

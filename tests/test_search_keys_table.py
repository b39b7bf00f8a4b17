"""Search keys read pypinyin's single-character table without importing pypinyin (issue 21: the import with its
phrase dictionary cost ~2 s of every roster import); the spelling is lazy_pinyin's, character for character."""

from __future__ import annotations

import pytest
from pypinyin import lazy_pinyin

from desktop.services.households import search_keys


@pytest.mark.parametrize("name", ["张建国", "吕女士", "略", "褚䶮", "欧阳𠮷", "董超玉", "Li雷", "〇"])
def test_pinyin_keys_spell_as_lazy_pinyin(name):
    search_keys._names.clear()
    search_keys._cache.clear()
    syllables = [lazy_pinyin(ch, errors=lambda c: c)[0].lower() for ch in name]
    assert search_keys.pinyin_keys(name) == ("".join(syllables), "".join(s[:1] for s in syllables))


def test_every_character_of_the_table_spells_as_lazy_pinyin():
    search_keys._cache.clear()
    table = search_keys._table()
    assert len(table) > 40_000
    for code in list(table)[::7]:
        ch = chr(int(code))
        assert search_keys._syllable(ch) == lazy_pinyin(ch, errors=lambda c: c)[0].lower(), ch

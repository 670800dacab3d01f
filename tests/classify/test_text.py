"""Terms and the name index: Chinese by words, English by whole words and word prefixes."""

from declarations.classify.index import NameIndex
from declarations.classify.text import code_prefix, query_terms

NAMES = [
    "Meat of bovine animals; carcasses and half-carcasses, fresh or chilled",
    "Tools; vices, clamps and the like",
    "Light-emitting diode (LED) lamps",
    "耳机及耳塞机(不论是否装有传声器)",
    "真空保温杯、保温瓶(容积不超过2升)",
    "Ledgers and account books",
]


def found(query):
    index = NameIndex.build(NAMES)
    return {NAMES[entry][:12] for entry in index.match(query_terms(query))}


def test_led_matches_the_word_led_not_chilled():
    assert found("LED") == {"Light-emitti", "Ledgers and "}
    assert found("led lamp") >= {"Light-emitti"}
    assert "Meat of bovi" not in found("LED")


def test_lamp_does_not_match_clamp():
    assert found("lamp") == {"Light-emitti"}
    assert found("lamps") == {"Light-emitti"}
    assert found("clamp") == {"Tools; vices"}


def test_chinese_words_and_their_parts():
    assert found("蓝牙耳机") == {"耳机及耳塞机(不论是否装"}
    assert found("不锈钢保温杯") == {"真空保温杯、保温瓶(容积"}
    assert found("保温") == {"真空保温杯、保温瓶(容积"}


def test_coverage_counts_the_query_words():
    index = NameIndex.build(["耳机", "蓝牙耳机"])
    scores = index.match(query_terms("蓝牙耳机"))
    assert scores == {0: 0.5, 1: 1.0}


def test_code_prefix():
    assert code_prefix("8518.30") == "851830"
    assert code_prefix("8") is None
    assert code_prefix("耳机") is None

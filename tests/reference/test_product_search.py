"""The product search ranks what exporters type: pure Python, no database (a table of cases)."""

import time

import pytest

from opportunities.reference.product_search import CodeRow, NameRow, ProductIndex, code_query

CODES = [
    CodeRow("03", 2, None, "Pescados y crustáceos, moluscos", "Fish and crustaceans, molluscs"),
    CodeRow(
        "0307",
        4,
        "03",
        "Moluscos, vivos, frescos, refrigerados, congelados, secos, salados o en salmuera",
        "Molluscs; live, fresh, chilled, frozen, dried, salted or in brine",
    ),
    CodeRow(
        "030742",
        6,
        "0307",
        "Jibias, sepias y calamares (incluida la pota), vivos, frescos o refrigerados",
        "Molluscs; cuttle fish and squid, live, fresh or chilled",
    ),
    CodeRow(
        "030743",
        6,
        "0307",
        "Jibias, sepias y calamares (incluida la pota), congelados",
        "Molluscs; cuttle fish and squid, frozen",
    ),
    CodeRow("030752", 6, "0307", "Pulpos, congelados", "Molluscs; octopus, frozen"),
    CodeRow("07", 2, None, "Hortalizas", "Vegetables"),
    CodeRow(
        "0701", 4, "07", "Papas (patatas) frescas o refrigeradas", "Potatoes; fresh or chilled"
    ),
    CodeRow("08", 2, None, "Frutas", "Fruit"),
    CodeRow(
        "0806", 4, "08", "Uvas, frescas o secas, incluidas las pasas", "Grapes; fresh or dried"
    ),
    # The texts of the nomenclature: a subheading's Spanish text often says only what differs.
    CodeRow("080610", 6, "0806", "Frescas", "Fruit, edible; grapes, fresh"),
    CodeRow("080620", 6, "0806", "Secas, incluidas las pasas", "Fruit, edible; grapes, dried"),
    CodeRow("28", 2, None, "Productos químicos inorgánicos", "Inorganic chemicals"),
    CodeRow("2815", 4, "28", "Hidróxido de sodio; hidróxido de potasio", "Sodium hydroxide"),
    CodeRow("281520", 6, "2815", "Hidróxido de potasio (potasa cáustica)", "Caustic potash"),
    CodeRow("85", 2, None, "Máquinas y aparatos eléctricos", "Electrical machinery"),
    CodeRow("8528", 4, "85", "Monitores y proyectores; receptores de televisión", "Monitors"),
    CodeRow("852872", 6, "8528", "Los demás, en colores", "Reception apparatus for television"),
]
NAMES = [
    NameRow("pota", ("030743", "030742")),
    NameRow("calamar", ("030742", "030743")),
    NameRow("televisores", ("8528",)),
    NameRow("uva de mesa", ("080610",)),
]


@pytest.fixture(scope="module")
def index():
    return ProductIndex(CODES, NAMES)


def ranked(index, query, **options) -> list[str]:
    return [hit.code for hit in index.search(query, **options)]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("pota", "030743"),  # a trade name beats "potatoes" and "potasio"
        ("POTA", "030743"),
        ("calamar congelado", "030743"),  # the product word, then the attribute
        ("calamares congelados", "030743"),  # plural and gender
        ("calamar fresco", "030742"),
        ("frozen squid", "030743"),  # English
        ("uvas", "0806"),  # the heading first, with its subheadings after it
        ("uva de mesa", "080610"),
        ("pasas", "080620"),
        ("televisores", "8528"),
        ("potasa", "281520"),
        ("0806", "0806"),
        ("08.06", "0806"),
        ("0806.10", "080610"),
        ("código 8528", "8528"),
    ],
)
def test_the_right_code_comes_first(index, query, first):
    assert ranked(index, query)[0] == first


def test_accents_and_case_do_not_matter(index):
    assert ranked(index, "Papás") == ranked(index, "papas") == ranked(index, "PAPAS")


def test_a_heading_is_listed_with_its_subheadings(index):
    assert ranked(index, "uvas")[:3] == ["0806", "080610", "080620"]
    assert ranked(index, "uvas pasas")[:2] == ["0806", "080620"]


def test_one_typo_is_tolerated_in_words_of_five_letters_or_more(index):
    assert ranked(index, "calamr congelado")[0] == "030743"  # a letter missing
    assert ranked(index, "calmaar")[0] in ("030742", "030743")  # two letters swapped
    assert ranked(index, "pulpso")[0] == "030752"
    assert ranked(index, "uvsa ") == []  # four letters: too short to guess (and not a prefix)


def test_two_typos_are_not_guessed(index):
    assert ranked(index, "clamr ") == []


def test_the_last_word_matches_as_a_prefix_while_typing(index):
    assert ranked(index, "calam")[0] in ("030742", "030743")
    assert ranked(index, "calam ") == []  # a finished word is a word


def test_levels_filter_the_results(index):
    assert ranked(index, "moluscos", levels=(2,)) == ["03"]
    assert "03" not in ranked(index, "moluscos")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "de la y los",  # stopwords only
        "x" * 500,
        "'; DROP TABLE opportunities_hscode; --",
        "<script>alert(1)</script>",
        "%_%",
        "\x00\x1f",
        "9",
    ],
)
def test_bad_input_gives_no_results_and_no_error(index, query):
    assert ranked(index, query) == []


def test_a_long_query_is_cut_not_slow(index):
    started = time.perf_counter()
    index.search("calamar congelado " * 40)
    assert time.perf_counter() - started < 0.5


def test_code_query_reads_codes_with_dots_spaces_and_words():
    assert code_query("08.06") == "0806"
    assert code_query("0806 10") == "080610"
    assert code_query("subpartida 0307.43") == "030743"
    assert code_query("uvas 0806") is None
    assert code_query("8") is None


def test_a_search_asked_again_gives_the_same_codes_even_after_a_caller_changed_its_list(index):
    first = index.search("uva")
    assert first and first[0].code.startswith("0806")
    first.clear()  # the caller's list is its own: the index remembers its answer, not this list
    again = index.search("uva")
    assert [hit.code for hit in again] == [hit.code for hit in index._search("uva", (4, 6), 20)]
    assert again and index.search("uva", levels=(6,))[0].level == 6

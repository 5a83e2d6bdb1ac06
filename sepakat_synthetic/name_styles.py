"""Syllable styles of invented district and village names, one per naming culture: (prefixes, syllables, prefix
fused to the word?). The first eight are NTT's and Gorontalo's and must not change (their villages' names are
in the committed seeds); the others serve the generated provinces."""

from __future__ import annotations

# (prefixes, syllables, prefix fused to the word?): enough for names that sound local to each island.
# fmt: off
NAME_STYLES: dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]] = {
    "timor": (
        ("Oe", "Noel", "Fatu", "Nai", "Bes", "Tun", "Bi", "Kua"),
        ( "ne", "nu", "ba", "ko", "le", "ma", "sa", "ta", "fa", "tu", "bi", "nai", "lo", "no", "kas", "mo",
        "te", "bau", "fe", "nas", "lak", "mi", "nun", "ki", "len"),
        True,
    ),
    "rote_sabu": (
        ("Lo", "Nda", "Hawu", "Me", "Ke", "Ba"),
        ( "ba", "le", "nda", "o", "ne", "ti", "lo", "ma", "ndao", "de", "ka", "ru", "hu", "ra", "dji", "se",
        "mu"),
        True,
    ),
    "sumba": (
        ("Wai", "Pra", "Lai", "Kam", "Mau", "Lewa", "Tana"),
        ( "ngu", "ra", "li", "ka", "pu", "ma", "ta", "ba", "bo", "u", "mba", "la", "ha", "wa", "di", "ro",
        "nggu", "ru", "pa", "kori"),
        True,
    ),
    "manggarai": (
        ("Golo", "Wae", "Satar", "Pong", "Watu", "Lemba", "Ranaka"),
        ( "ru", "teng", "lam", "ba", "ce", "con", "re", "ok", "ri", "bo", "rong", "lem", "dam", "ngan", "ko",
        "mo", "do", "sa", "ta", "rang", "ler", "wa", "tu", "mese", "kuwu"),
        False,
    ),
    "flores_central": (
        ("Wolo", "Nua", "Ae", "Detu", "Mbay", "Ndona", "Roga"),
        ( "ba", "ja", "wa", "bo", "a", "wae", "ri", "ung", "so", "ke", "li", "mu", "tu", "ndo", "na", "lo",
        "we", "ma", "ro", "le", "sesa", "ko"),
        False,
    ),
    "flores_east": (
        ("Lewo", "Ile", "Nita", "Tana", "Watu", "Wai", "Lela"),
        ( "le", "wo", "ba", "ka", "tu", "ape", "la", "ma", "ra", "na", "to", "ke", "ri", "bu", "lo", "do",
        "ge", "han", "bla", "pi", "tobi"),
        False,
    ),
    "alor": (
        ("Ala", "Pan", "Pu", "Ter", "Moru", "Maru"),
        ( "lab", "ahi", "ta", "ru", "kop", "lu", "ba", "ni", "ma", "tar", "au", "dei", "lo", "pi", "ang",
        "wel", "ka"),
        True,
    ),
    "gorontalo": (
        ("Bulango", "Tilo", "Dulu", "Bongo", "Tapa", "Huta", "Tolo", "Limbo"),
        ( "lo", "to", "bu", "hu", "ta", "mo", "bo", "nga", "wa", "la", "pu", "ti", "li", "yo", "u", "da",
        "ngo", "le", "ma", "hi", "wu"),
        False,
    ),
    # Styles of the generated provinces (village names only; districts there carry their real names).
    "java": (
        ("Karang", "Sido", "Suka", "Tegal", "Wono", "Banyu", "Kali", "Ngemplak"),
        ("rejo", "mulyo", "harjo", "sari", "jaya", "makmur", "agung", "wetan", "kulon", "lor", "kidul", "asri",
         "tengah", "sumber", "mukti", "rahayu", "dadi", "kerto"),
        True,
    ),
    "sunda": (
        ("Suka", "Ci", "Sindang", "Pasir", "Mekar", "Rancha", "Cikal", "Nagrak"),
        ("mulya", "jaya", "sari", "wangi", "asih", "galih", "manah", "rasa", "laksana", "bakti", "raharja",
         "mekar", "wening", "gede", "leuwi", "kembang"),
        True,
    ),
    "batak": (
        ("Huta", "Lumban", "Aek", "Dolok", "Tano", "Sosor", "Parsaoran"),
        ("tonga", "ri", "ba", "ta", "na", "pa", "ho", "lu", "gan", "bolon", "sa", "ma", "ran", "tua", "to", "ni"),
        False,
    ),
    "minang": (
        ("Koto", "Nagari", "Sungai", "Batu", "Padang", "Lubuk", "Tanjung", "Pasia"),
        ("ta", "ngah", "ba", "ru", "ga", "dang", "pu", "lau", "ma", "nih", "ti", "la", "sa", "ri", "ka", "gadang"),
        False,
    ),
    "malay": (
        ("Sungai", "Teluk", "Tanjung", "Kuala", "Pulau", "Pasir", "Bukit", "Lubuk"),
        ("ma", "ju", "ja", "ya", "ri", "da", "ra", "ba", "ru", "la", "sa", "lam", "mu", "lia", "indah", "pinang"),
        False,
    ),
    "bugis": (
        ("Bonto", "Pa", "Lappa", "Ta", "Sa", "Bulu", "Pao", "Ma"),
        ("tu", "ppa", "le", "ngeng", "ro", "ba", "na", "ka", "lu", "ssu", "si", "ma", "ra", "ja", "we", "tta",
         "lla"),
        True,
    ),
    "bali": (
        ("Batu", "Suka", "Pe", "Tegal", "Bu", "Ke"),
        ("ba", "tu", "wa", "ti", "lan", "si", "man", "ja", "ngu", "li", "a", "gung", "kar", "sa", "dang", "ya"),
        True,
    ),
    "papua": (
        ("Kampung", "Wa", "Yo", "Ka", "Se", "Ar"),
        ("me", "na", "wa", "ri", "bo", "ka", "ne", "ti", "ya", "mo", "ku", "pi", "ro", "sa", "wen", "dou"),
        False,
    ),
    "dayak": (
        ("Long", "Tumbang", "Sungai", "Nanga", "Lamin", "Batu"),
        ("ba", "ha", "nu", "pa", "ka", "ra", "ti", "ya", "lo", "ang", "ung", "ma", "se", "lung", "bi", "da"),
        False,
    ),
    "maluku": (
        ("Negeri", "Waai", "Ha", "Sou", "Wa", "La"),
        ("tu", "ru", "ku", "ha", "la", "ma", "ti", "wa", "ri", "ka", "to", "e", "so", "pe", "i", "nu"),
        False,
    ),
    "minahasa": (
        ("Tomo", "Kali", "Wa", "Lo", "Ra", "Tu"),
        ("ho", "mo", "ne", "to", "wu", "ka", "lu", "ri", "an", "so", "ra", "si", "ma", "ngi", "wo", "kon"),
        True,
    ),
}
# fmt: on

"""Personal names as they are written across Indonesia: given names by religion, sex and generation, and clan or
family names (marga) by culture. Earlier entries in each list are drawn more often, as popular names are.

Religions and marga pools are stored by index in the ground truth and drive draws: new ones go at the END of
RELIGIONS and of the marga table, so the names of provinces 53 and 75 stay byte-identical."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

RELIGIONS = ("catholic", "protestant", "muslim", "hindu")
SEXES = ("male", "female")

# fmt: off
_GIVEN: dict[tuple[str, str, str], tuple[str, ...]] = {
    ("catholic", "male", "traditional"): (
        "Yohanes", "Fransiskus", "Agustinus", "Petrus", "Paulus", "Yosef", "Antonius", "Fransiskus Xaverius",
        "Markus", "Benediktus", "Kornelis", "Yakobus", "Stefanus", "Dominikus", "Aloysius", "Gregorius",
        "Hieronimus", "Laurensius", "Mikael", "Philipus", "Simon", "Thomas", "Viktor", "Nikolaus", "Matheus",
        "Kristoforus", "Alfonsus", "Emanuel", "Ignasius", "Vinsensius", "Wilhelmus", "Bernadus", "Blasius",
        "Klemens", "Gabriel", "Adrianus", "Damianus", "Yulius", "Silvester", "Lukas", "Andreas", "Servasius",
        "Hendrikus", "Rofinus", "Siprianus", "Donatus", "Marselinus", "Kanisius", "Yustinus", "Romanus",
    ),
    ("catholic", "female", "traditional"): (
        "Maria", "Maria Goreti", "Yuliana", "Agnes", "Theresia", "Katarina", "Elisabeth", "Margaretha",
        "Veronika", "Yasinta", "Anastasia", "Bernadeta", "Fransiska", "Yohana", "Kristina", "Modesta",
        "Regina", "Sisilia", "Skolastika", "Paulina", "Priska", "Dorotea", "Maria Imakulata", "Florentina",
        "Emerensiana", "Angelina", "Imelda", "Wilhelmina", "Yosefina", "Lusia", "Helena", "Monika",
        "Benedikta", "Karolina", "Oktaviana", "Sesilia", "Marselina", "Aurelia", "Filomena", "Kresensia",
    ),
    ("protestant", "male", "traditional"): (
        "Yohanis", "Marthen", "Daniel", "Yeremias", "Samuel", "Yosua", "Yakob", "Simon", "Petrus", "Paulus",
        "Matheus", "Markus", "Habel", "Efraim", "Elias", "Frans", "Hendrik", "Yonathan", "Ayub", "Musa",
        "Obed", "Lukas", "Zakarias", "Melkianus", "Nikodemus", "Oktovianus", "Yusuf", "Benyamin", "Isak",
        "Abraham", "Kornelis", "Filipus", "Arnoldus", "Salmon", "Mesakh", "Yesaya", "Ruben", "Imanuel",
    ),
    ("protestant", "female", "traditional"): (
        "Yuliana", "Ester", "Debora", "Martha", "Naomi", "Rut", "Sara", "Mariana", "Maria", "Elisabeth",
        "Yohana", "Ribka", "Lea", "Dina", "Adriana", "Selfina", "Agustina", "Orpa", "Sarlota", "Margarita",
        "Yakomina", "Welhelmina", "Susana", "Magdalena", "Ferderika", "Apriana", "Rahel", "Hana", "Mirna",
        "Dorkas", "Antonia", "Kristina", "Elsye", "Yeni",
    ),
    ("muslim", "male", "traditional"): (
        "Muhammad", "Abdul Rahman", "Abdullah", "Usman", "Ahmad", "Ismail", "Yusuf", "Hasan", "Husain",
        "Ibrahim", "Rahmat", "Syamsuddin", "Arifin", "Hamzah", "Sulaiman", "Zainal", "Ridwan", "Anwar",
        "Jafar", "Umar", "Ali", "Salim", "Abubakar", "Musa", "Idris", "Rusdi", "Saleh", "Bahtiar", "Kasim",
        "Hamid", "Mustafa", "Jamaluddin", "Syarifuddin", "Nasrun", "Hadi", "Yunus", "Ramli", "Sahrul",
    ),
    ("muslim", "female", "traditional"): (
        "Siti", "Siti Aminah", "Fatimah", "Nurhayati", "Aisyah", "Khadijah", "Halimah", "Maimunah", "Zainab",
        "Nur Aini", "Hasnah", "Salma", "Mariam", "Rahma", "Hadijah", "Nurjanah", "Sarifah", "Rukaya",
        "Jamilah", "Hawa", "Saodah", "Asma", "Rosmini", "Sitti Nurhaliza", "Kartini", "Nurbaya", "Habiba",
        "Suryani", "Warda", "Rabiah",
    ),
    ("catholic", "male", "modern"): (
        "Kevin", "Ferdinand", "Gabriel", "Rafael", "Yohanes", "Christian", "Marvel", "Kenzo", "Aldo", "Rendy",
        "Fredy", "Jefri", "Ricky", "Ivan", "Dion", "Yosef", "Arnold", "Edwin", "Reinaldo", "Gerald", "Andre",
        "Romario", "Valentino", "Antonius",
    ),
    ("catholic", "female", "modern"): (
        "Angelina", "Gracia", "Maria", "Natalia", "Yunita", "Febriana", "Vivian", "Cindy", "Aurelia",
        "Kristin", "Novita", "Stevani", "Yolanda", "Marsela", "Oktavia", "Feronika", "Valentina", "Nadia",
        "Clara", "Jesika", "Fransiska", "Elisa",
    ),
    ("protestant", "male", "modern"): (
        "Kevin", "Jefri", "Ronald", "Rio", "Yosua", "Daniel", "Christian", "Marvel", "Jonathan", "Gerry",
        "Rian", "Steven", "Yehezkiel", "Elkana", "Rendy", "Aldo", "Felix", "Dedy", "Ardi", "Samuel",
    ),
    ("protestant", "female", "modern"): (
        "Gracia", "Jessica", "Natalia", "Putri", "Yunita", "Debora", "Angel", "Novi", "Meylani", "Stevani",
        "Christin", "Yolanda", "Marlin", "Mercy", "Injilia", "Elsa", "Feby", "Tesalonika", "Ester", "Cantika",
    ),
    ("muslim", "male", "modern"): (
        "Muhammad Rizky", "Fajar", "Rizal", "Aditya", "Farhan", "Ilham", "Dimas", "Muhammad Fikri", "Arya",
        "Rafi", "Alfarizi", "Fadil", "Akbar", "Reza", "Dafa", "Zidan", "Haikal", "Iqbal",
    ),
    ("muslim", "female", "modern"): (
        "Nur Aisyah", "Aulia", "Salsabila", "Nabila", "Putri", "Zahra", "Anisa", "Dewi", "Syifa", "Nayla",
        "Aqila", "Keysha", "Intan", "Rahmawati", "Fitri", "Naila", "Alya", "Safira",
    ),
    ("hindu", "male", "traditional"): (
        "I Wayan", "I Made", "I Nyoman", "I Ketut", "I Putu", "I Gede", "I Komang", "I Kadek", "I Gusti Ngurah",
        "Ida Bagus", "I Gusti Made", "I Wayan Gede", "I Nengah", "Anak Agung", "I Ketut Gede",
    ),
    ("hindu", "female", "traditional"): (
        "Ni Wayan", "Ni Made", "Ni Nyoman", "Ni Ketut", "Ni Putu", "Ni Luh", "Ni Komang", "Ni Kadek",
        "Ni Luh Putu", "Ida Ayu", "Anak Agung Istri", "Ni Nengah", "Desak", "Ni Gusti Ayu",
    ),
    ("hindu", "male", "modern"): (
        "I Putu Agus", "I Kadek Dwi", "I Komang Adi", "I Gede Bayu", "I Made Arya", "I Wayan Eka", "I Putu Yoga",
        "I Kadek Rio", "I Gede Wira", "I Made Dwipa",
    ),
    ("hindu", "female", "modern"): (
        "Ni Putu Ayu", "Ni Kadek Dewi", "Ni Komang Tri", "Ni Luh Made", "Ni Made Intan", "Ni Wayan Sri",
        "Ni Putu Cahya", "Ni Kadek Sinta", "Ni Luh Gede", "Ni Made Putri",
    ),
}

_MARGA: dict[str, tuple[str, ...]] = {
    "timor": (
        "Tefa", "Nope", "Benu", "Bria", "Seran", "Kolo", "Neno", "Tanesib", "Taek", "Nahak", "Klau", "Mau",
        "Asa", "Atok", "Lopo", "Sinlae", "Bani", "Tallo", "Nenobais", "Nubatonis", "Banunaek", "Oematan",
        "Liu", "Boimau", "Tasae", "Selan", "Kase", "Lake", "Kefi", "Bere", "Luan", "Tae", "Bau", "Hale",
        "Nitbani", "Nomleni", "Sabat", "Taolin", "Tnunay", "Fallo", "Missa", "Lakapu", "Oenunu", "Bait",
    ),
    "rote_sabu": (
        "Fanggidae", "Manafe", "Ndun", "Messakh", "Foeh", "Dethan", "Nalle", "Radja", "Lay", "Haba", "Pah",
        "Ratu", "Kana", "Bunga", "Lomi", "Henukh", "Ndoen", "Pellokila", "Lenggu", "Riwu", "Kore", "Hege",
        "Bire", "Djami", "Dima", "Tulle", "Tamonob", "Zacharias", "Adoe", "Ballo", "Lado", "Kiuk", "Mooy",
    ),
    "sumba": (
        "Ndapa", "Hamba", "Kaka", "Lado", "Ngongo", "Bili", "Dapa", "Nggiku", "Kahi", "Tamu", "Ndima",
        "Djawa", "Kareri", "Ndena", "Mbani", "Hina", "Pajaru", "Kapita", "Lede", "Malo", "Lulu", "Rihi",
        "Bulu", "Deta", "Wora", "Hunga", "Pati", "Manu", "Tagu", "Ranggambani",
    ),
    "manggarai": (
        "Jehaut", "Ampur", "Jemadu", "Ngadut", "Dahur", "Gagu", "Jelahu", "Tahu", "Hamu", "Nasar", "Sarong",
        "Janggur", "Lalong", "Dagur", "Gandut", "Mbalo", "Jehamat", "Ngalu", "Nabit", "Jebarus", "Mahur",
        "Nggoro", "Lajar", "Sahu", "Jemali", "Pandong", "Ndahur", "Sama", "Jegaut", "Ngamal",
    ),
    "flores_central": (
        "Wangge", "Ndona", "Bata", "Dhae", "Meo", "Sina", "Nggajo", "Wea", "Dopo", "Rangga", "Wawo", "Lawe",
        "Dhosa", "Mite", "Bupu", "Lina", "Nau", "Raga", "Gadi", "Ndori", "Paji", "Mbete", "Sebo", "Mere",
        "Bhara", "Ghena", "Lena", "Moi", "Ule", "Mosa",
    ),
    "flores_east": (
        "da Costa", "Parera", "Koten", "Lewar", "Kelen", "Hurint", "Ola", "Making", "Maran", "Tukan", "Tokan",
        "Hokor", "Wuwur", "Lamak", "Beda", "Manuk", "Liwun", "Kia", "Sogen", "Wato", "Lebuan", "da Silva",
        "de Rosari", "Fernandez", "Diaz", "Gomez", "da Cunha", "Nong", "Goban", "Buang", "Moa", "Ritan",
    ),
    "alor": (
        "Maro", "Lanlu", "Mautuka", "Laukon", "Gorang", "Blegur", "Lakamau", "Malaikosa", "Mamoh", "Molebila",
        "Kafelkai", "Padafani", "Tang", "Tafui", "Salang", "Lalang", "Adang", "Laumalay", "Manikari", "Oil",
    ),
    "muslim_ntt": (
        "Abdullah", "Arif", "Usman", "Baso", "Djawas", "Bahrun", "Sanusi", "Kiat", "Boli", "Sabon", "Ibrahim",
        "Hamid", "Salim", "Lamahoda", "Gani", "Mahmud", "Rasyid", "Kadir", "Bethan", "Bapa", "Syarif",
        "Tokan", "Dasi", "Manggo", "Amir", "Rasi",
    ),
    "gorontalo": (
        "Pakaya", "Mohamad", "Hasan", "Katili", "Gobel", "Monoarfa", "Dunggio", "Biya", "Hulopi", "Potale",
        "Tuli", "Ismail", "Suleman", "Djafar", "Nusi", "Kadir", "Lasulika", "Rahim", "Dai", "Panai", "Yusuf",
        "Lamusu", "Ahmad", "Hunowu", "Tangahu", "Male", "Mooduto", "Bakari", "Kasim", "Olii", "Abdullah",
        "Usman", "Hamzah", "Daud", "Lihawa",
    ),
    "minahasa": (
        "Lumentut", "Wowor", "Sumual", "Pangemanan", "Tumbelaka", "Rumondor", "Kalalo", "Sondakh", "Mandagi",
        "Lasut", "Mamahit", "Tampi", "Rondonuwu", "Supit",
    ),
    # Javanese and Sundanese rarely carry a clan name: the pool is the family-like second names they do carry.
    "java": (
        "Santoso", "Wibowo", "Prasetyo", "Setiawan", "Hartono", "Sutrisno", "Suparman", "Wahyudi", "Purnomo",
        "Nugroho", "Kurniawan", "Saputra", "Wijaya", "Susanto", "Rahayu", "Lestari", "Handayani", "Utomo",
        "Sulistyo", "Budiman", "Suharto", "Mulyono", "Riyanto", "Haryanto", "Widodo", "Suryadi", "Wulandari",
        "Pratama", "Hidayat", "Ningsih",
    ),
    "sunda": (
        "Sunarya", "Hidayat", "Suhendar", "Kusnadi", "Sukmana", "Permana", "Gunawan", "Rusmana", "Suryana",
        "Nurdin", "Hermawan", "Setiadi", "Sopandi", "Mulyana", "Supriatna", "Kurnia", "Ruhiyat", "Sumarna",
        "Komalasari", "Nurjanah", "Kartika", "Saepudin", "Hendrayana", "Sutisna",
    ),
    "batak": (
        "Simanjuntak", "Siregar", "Nasution", "Harahap", "Sitompul", "Hutapea", "Situmorang", "Sinaga",
        "Simbolon", "Pardede", "Tampubolon", "Lubis", "Manurung", "Panjaitan", "Silalahi", "Hutagalung",
        "Sihombing", "Ginting", "Tarigan", "Sembiring", "Purba", "Damanik", "Saragih", "Pasaribu", "Sirait",
        "Napitupulu", "Simatupang", "Hasibuan", "Pohan", "Rangkuti",
    ),
    "minang": (
        "Chaniago", "Piliang", "Koto", "Tanjung", "Sikumbang", "Jambak", "Guci", "Effendi", "Syafri", "Rizal",
        "Yusran", "Nofrizal", "Azwar", "Hendri", "Yulianti", "Darmawan", "Syahrial", "Zulkarnain", "Firdaus",
        "Asmar",
    ),
    "malay": (
        "Syahputra", "Saputra", "Rahman", "Hidayat", "Yusuf", "Ismail", "Harun", "Daud", "Zulkifli", "Hamdani",
        "Mahmud", "Ramadhan", "Firdaus", "Azhar", "Basri", "Efendi", "Husin", "Syarifah", "Yahya", "Anwar",
        "Jamaludin", "Hasballah", "Muhajir", "Nurdin", "Bahri",
    ),
    "bugis": (
        "Daeng Ngalle", "Mappasessu", "Tenri", "Pawellangi", "Lantara", "Pabbicara", "Rappe", "Palallo",
        "Parenrengi", "Mappanyukki", "Sulolipu", "Bakri", "Amir", "Daeng Matutu", "Mallarangeng", "Patunru",
        "Arifin", "Latif", "Hamzah", "Sultan", "Mattalitti", "Dg Bella", "Karaeng", "Bachtiar",
    ),
    "bali": (
        "Sukadana", "Wirawan", "Suartana", "Arsana", "Sudarsana", "Suarjaya", "Wijaya", "Astawa", "Mahendra",
        "Suweca", "Widiasa", "Sukarta", "Ariani", "Puspitasari", "Suastika", "Darmawan", "Adnyana",
        "Kusumawati", "Sedana", "Budiarta", "Artawan", "Yasa",
    ),
    "papua": (
        "Wenda", "Kogoya", "Wonda", "Tabuni", "Murib", "Wanimbo", "Yikwa", "Mote", "Pigai", "Gobai", "Tebai",
        "Rumbiak", "Mandowen", "Kaisiepo", "Rumkorem", "Wanma", "Ayomi", "Yoku", "Sawaki", "Karubaba",
        "Rumaropen", "Korwa", "Wakum", "Magai", "Kobogau", "Degei", "Douw", "Tekege", "Enumbi", "Wandik",
    ),
    "dayak": (
        "Ajang", "Anyie", "Bilung", "Ding", "Lawing", "Ngau", "Jalung", "Usat", "Bulan", "Uyau", "Ibau",
        "Lahang", "Huvat", "Apui", "Nyipa", "Itang", "Djalung", "Penyang", "Tingang", "Bahen", "Sangen", "Lambung",
    ),
    "maluku": (
        "Pattiasina", "Latuconsina", "Tuasikal", "Lekatompessy", "Sahetapy", "Matulessy", "Tahapary",
        "Wattimena", "Leiwakabessy", "Ohorella", "Tuanakotta", "Pesulima", "Tamaela", "Louhenapessy", "Nanlohy",
        "Sopacua", "Marasabessy", "Tuhuteru", "Latupono", "Pelupessy",
    ),
}
# fmt: on
MARGA_POOLS = tuple(_MARGA)

# Sumba nobility prefixes (Umbu for men, Rambu for women)
_SUMBA_PREFIX = {"male": "Umbu", "female": "Rambu"}


class _Pools:
    """All pools concatenated, with cumulative popularity weights offset by pool number, so that one
    searchsorted call draws from a different pool for every person."""

    def __init__(self, pools: list[tuple[str, ...]]) -> None:
        values: list[str] = []
        cumulative: list[np.ndarray] = []
        for number, pool in enumerate(pools):
            weights = 1.0 / (np.arange(len(pool)) + 4.0) ** 0.9
            cumulative.append(number + np.cumsum(weights) / weights.sum())
            values += pool
        self.values = pa.array(values, type=pa.string())
        self.cumulative = np.concatenate(cumulative)
        self.cumulative[-1] = len(pools)  # guard against rounding at the very end

    def draw(self, pool: np.ndarray, rng: np.random.Generator) -> pa.Array:
        index = np.searchsorted(self.cumulative, pool + rng.random(len(pool)), side="right")
        return self.values.take(pa.array(np.minimum(index, len(self.values) - 1)))


# Pool order: the three original religions first (their pool numbers, hence their draws, never change), then
# every religion added after them.
_GIVEN_KEYS = [(r, s, e) for e in ("traditional", "modern") for r in RELIGIONS[:3] for s in SEXES] + [
    (r, s, e) for r in RELIGIONS[3:] for e in ("traditional", "modern") for s in SEXES
]
_GIVEN_POOLS = _Pools([_GIVEN[key] for key in _GIVEN_KEYS])
_GIVEN_POOL_NUMBER = np.zeros((2, len(RELIGIONS), 2), dtype=np.int64)  # [modern, religion, female]
for _number, (_religion, _sex, _era) in enumerate(_GIVEN_KEYS):
    _GIVEN_POOL_NUMBER[int(_era == "modern"), RELIGIONS.index(_religion), SEXES.index(_sex)] = _number
_MARGA_POOLS = _Pools([_MARGA[key] for key in MARGA_POOLS])


def draw_given_names(
    religion: np.ndarray, female: np.ndarray, modern: np.ndarray, rng: np.random.Generator
) -> pa.Array:
    """Given names; `religion` indexes RELIGIONS."""
    pool = _GIVEN_POOL_NUMBER[modern.astype(np.int64), religion.astype(np.int64), female.astype(np.int64)]
    return _GIVEN_POOLS.draw(pool, rng)


def draw_marga(pool: np.ndarray, rng: np.random.Generator) -> pa.Array:
    """Clan or family names; `pool` indexes MARGA_POOLS."""
    return _MARGA_POOLS.draw(pool.astype(np.int64), rng)


def sumba_prefix(female: np.ndarray, use: np.ndarray) -> pa.Array:
    prefix = np.where(female, _SUMBA_PREFIX["female"], _SUMBA_PREFIX["male"]).astype(object)
    return pa.array(np.where(use, prefix, None), type=pa.string())


def join_names(*parts: pa.Array) -> pa.Array:
    """Space-joined name parts, skipping missing parts."""
    return pc.binary_join_element_wise(*parts, " ", null_handling="skip")

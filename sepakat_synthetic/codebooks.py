"""Codebooks. The ground truth stores categories as Regsosek integer codes (the codebooks below); DTKS and
P3KE print them as their own upper-case or Title-case labels, as their exports do."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

# --- Regsosek household (keluarga) codebooks ----------------------------------------------------------------
ATAP = {
    1: "Beton",
    2: "Genteng",
    3: "Seng",
    4: "Asbes",
    5: "Kayu/sirap",
    6: "Bambu",
    7: "Jerami/ijuk/daun/rumbia",
    8: "Lainnya",
}
DINDING = {
    1: "Tembok",
    2: "Plesteran anyaman bambu/kawat",
    3: "Kayu/papan",
    4: "Anyaman bambu",
    5: "Batang kayu",
    6: "Bambu",
    7: "Lainnya",
}
LANTAI = {
    1: "Marmer/granit",
    2: "Keramik",
    3: "Parket/vinil/karpet",
    4: "Ubin/tegel/teraso",
    5: "Kayu/papan",
    6: "Semen/bata merah",
    7: "Bambu",
    8: "Tanah",
    9: "Lainnya",
}
AIR_MINUM = {
    1: "Air kemasan bermerk",
    2: "Air isi ulang",
    3: "Leding",
    4: "Sumur bor/pompa",
    5: "Sumur terlindung",
    6: "Sumur tak terlindung",
    7: "Mata air terlindung",
    8: "Mata air tak terlindung",
    9: "Air permukaan (sungai/danau/waduk)",
    10: "Air hujan",
    11: "Lainnya",
}
FASILITAS_BAB = {
    1: "Ada, digunakan hanya anggota keluarga sendiri",
    2: "Ada, digunakan bersama keluarga lain",
    3: "Ada, di MCK komunal",
    4: "Ada, di MCK umum",
    5: "Ada, anggota keluarga tidak menggunakan",
    6: "Tidak ada fasilitas",
}
PENERANGAN = {
    1: "Listrik PLN dengan meteran",
    2: "Listrik PLN tanpa meteran",
    3: "Listrik non-PLN",
    4: "Bukan listrik",
}
BAHAN_BAKAR = {
    1: "Listrik",
    2: "Gas/elpiji",
    3: "Biogas",
    4: "Minyak tanah",
    5: "Briket",
    6: "Arang",
    7: "Kayu bakar",
    8: "Lainnya",
}
STATUS_RUMAH = {1: "Milik sendiri", 2: "Kontrak/sewa", 3: "Bebas sewa", 4: "Dinas", 5: "Lainnya"}

# --- Regsosek individual (individu) codebooks ---------------------------------------------------------------
JENIS_KELAMIN = {1: "Laki-laki", 2: "Perempuan"}
HUBUNGAN_KK = {
    1: "Kepala keluarga",
    2: "Istri/suami",
    3: "Anak",
    4: "Menantu",
    5: "Cucu",
    6: "Orang tua/mertua",
    7: "Famili lain",
}
STATUS_KAWIN = {1: "Belum kawin", 2: "Kawin", 3: "Cerai hidup", 4: "Cerai mati"}
PENDIDIKAN = {
    0: "Tidak punya ijazah",
    1: "SD/sederajat",
    2: "SMP/sederajat",
    3: "SMA/SMK/sederajat",
    4: "D1/D2/D3",
    5: "D4/S1",
    6: "S2/S3",
}
STATUS_SEKOLAH = {0: "Tidak/belum pernah sekolah", 1: "Masih sekolah", 2: "Tidak bersekolah lagi"}
STATUS_BEKERJA = {1: "Bekerja", 2: "Tidak bekerja"}
LAPANGAN_USAHA = {
    1: "Pertanian tanaman pangan",
    2: "Hortikultura",
    3: "Perkebunan",
    4: "Perikanan",
    5: "Peternakan",
    6: "Kehutanan",
    7: "Pertambangan dan penggalian",
    8: "Industri pengolahan",
    9: "Listrik, gas dan air",
    10: "Konstruksi",
    11: "Perdagangan",
    12: "Akomodasi dan makan minum",
    13: "Transportasi dan pergudangan",
    14: "Informasi dan komunikasi",
    15: "Keuangan dan asuransi",
    16: "Jasa pendidikan",
    17: "Jasa kesehatan",
    18: "Pemerintahan dan jasa kemasyarakatan",
}
KESULITAN = {1: "Tidak kesulitan", 2: "Sedikit kesulitan", 3: "Banyak kesulitan", 4: "Tidak bisa sama sekali"}
HAMIL = {1: "Ya", 2: "Tidak"}

# Washington Group domains in Regsosek column order
WG_DOMAINS = ("melihat", "mendengar", "berjalan", "mengingat", "mengurus_diri", "berkomunikasi")

# --- DTKS (SIKS-NG export) labels ---------------------------------------------------------------------------
DTKS_ATAP = {
    1: "BETON",
    2: "GENTENG",
    3: "SENG",
    4: "ASBES",
    5: "KAYU/SIRAP",
    6: "BAMBU",
    7: "IJUK/RUMBIA",
    8: "LAINNYA",
}
DTKS_DINDING = {
    1: "TEMBOK",
    2: "PLESTERAN ANYAMAN BAMBU/KAWAT",
    3: "KAYU",
    4: "ANYAMAN BAMBU",
    5: "BATANG KAYU",
    6: "BAMBU",
    7: "LAINNYA",
}
DTKS_LANTAI = {
    1: "MARMER/GRANIT",
    2: "KERAMIK",
    3: "PARKET/VINIL/PERMADANI",
    4: "UBIN/TEGEL/TERASO",
    5: "KAYU/PAPAN",
    6: "SEMEN/BATA MERAH",
    7: "BAMBU",
    8: "TANAH",
    9: "LAINNYA",
}
DTKS_SUMBER_AIR = {
    1: "AIR KEMASAN BERMERK",
    2: "AIR ISI ULANG",
    3: "LEDENG",
    4: "SUMUR BOR/POMPA",
    5: "SUMUR TERLINDUNG",
    6: "SUMUR TAK TERLINDUNG",
    7: "MATA AIR TERLINDUNG",
    8: "MATA AIR TAK TERLINDUNG",
    9: "AIR SUNGAI/DANAU/WADUK",
    10: "AIR HUJAN",
    11: "LAINNYA",
}
DTKS_JAMBAN = {1: "SENDIRI", 2: "BERSAMA", 3: "KOMUNAL", 4: "UMUM", 5: "TIDAK DIGUNAKAN", 6: "TIDAK ADA"}
DTKS_PENERANGAN = {1: "LISTRIK PLN", 2: "LISTRIK PLN", 3: "LISTRIK NON PLN", 4: "BUKAN LISTRIK"}
DTKS_JENIS_KELAMIN = {1: "LAKI-LAKI", 2: "PEREMPUAN"}
DTKS_HUBUNGAN = {
    1: "KEPALA RUMAH TANGGA",
    2: "ISTRI/SUAMI",
    3: "ANAK",
    4: "MENANTU",
    5: "CUCU",
    6: "ORANG TUA/MERTUA",
    7: "FAMILI LAIN",
}

# --- P3KE (Kemenko PMK) labels ------------------------------------------------------------------------------
P3KE_ATAP = {
    1: "Beton",
    2: "Genteng",
    3: "Seng",
    4: "Asbes",
    5: "Kayu/Sirap",
    6: "Bambu",
    7: "Ijuk/Rumbia",
    8: "Lainnya",
}
P3KE_DINDING = {
    1: "Tembok",
    2: "Plesteran Anyaman Bambu",
    3: "Kayu/Papan",
    4: "Anyaman Bambu",
    5: "Batang Kayu",
    6: "Bambu",
    7: "Lainnya",
}
P3KE_LANTAI = {
    1: "Marmer/Granit",
    2: "Keramik",
    3: "Parket/Vinil",
    4: "Ubin/Tegel",
    5: "Kayu/Papan",
    6: "Semen",
    7: "Bambu",
    8: "Tanah",
    9: "Lainnya",
}
P3KE_AIR = {
    1: "Air Kemasan",
    2: "Air Isi Ulang",
    3: "Ledeng",
    4: "Sumur Bor",
    5: "Sumur Terlindung",
    6: "Sumur Tidak Terlindung",
    7: "Mata Air Terlindung",
    8: "Mata Air Tidak Terlindung",
    9: "Air Sungai/Danau",
    10: "Air Hujan",
    11: "Lainnya",
}
P3KE_BAB = {1: "Sendiri", 2: "Bersama", 3: "MCK Komunal", 4: "MCK Umum", 5: "Tidak Digunakan", 6: "Tidak Ada"}
P3KE_JENIS_KELAMIN = {1: "Laki-laki", 2: "Perempuan"}
P3KE_HUBUNGAN = {
    1: "Kepala Keluarga",
    2: "Istri",
    3: "Anak",
    4: "Menantu",
    5: "Cucu",
    6: "Orang Tua",
    7: "Famili Lain",
}
P3KE_PENDIDIKAN = {
    0: "Tidak/Belum Sekolah",
    1: "SD/Sederajat",
    2: "SMP/Sederajat",
    3: "SMA/Sederajat",
    4: "Diploma",
    5: "S1",
    6: "S2/S3",
}


def labels(codebook: dict[int, str], codes: np.ndarray) -> pa.Array:
    """Labels for integer codes (NULL for codes not in the codebook)."""
    lookup = [codebook.get(code) for code in range(max(codebook) + 1)]
    return pa.array(lookup, type=pa.string()).take(pa.array(np.asarray(codes, dtype=np.int64)))

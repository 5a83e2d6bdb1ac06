"""SIPD regional budget (APBD 2025) lines of the province and each regency: the SPM sub-activities the
warehouse joins to SPM indicators by code, plus some education, social and housing lines.

Amounts are in rupiah and scale with each government's population (not with the synthetic sample size).
"""

from __future__ import annotations

import numpy as np

from sepakat_synthetic import config, formats
from sepakat_synthetic.landing import SourceFile, table
from sepakat_synthetic.regions import PROVINCES
from sepakat_synthetic.world import World

_YEAR = config.VINTAGES["sipd"].year
_HEALTH, _EDUCATION, _SOCIAL = "Dinas Kesehatan", "Dinas Pendidikan dan Kebudayaan", "Dinas Sosial"
_HOUSING, _WORKS = "Dinas Perumahan dan Kawasan Permukiman", "Dinas Pekerjaan Umum dan Penataan Ruang"
_DISASTER = "Badan Penanggulangan Bencana Daerah"
_DAU, _DAU_DAK, _DAU_PAD = ("DAU",), ("DAU", "DAK Non Fisik"), ("DAU", "PAD")
_DAK, _DAK_FISIK = ("DAK Non Fisik",), ("DAK Fisik",)
_CARE = "Pengelolaan Pelayanan Kesehatan "
# (sub-activity code, agency, typical rupiah per 1,000 inhabitants, funding sources, sub-activity name)
# fmt: off
_REGENCY_LINES = (
    ("1.02.02.2.02.0001", _HEALTH, 1_800_000, _DAU_DAK, _CARE + "Ibu Hamil"),
    ("1.02.02.2.02.0002", _HEALTH, 1_500_000, _DAU_DAK, _CARE + "Ibu Bersalin"),
    ("1.02.02.2.02.0003", _HEALTH, 900_000, _DAU, _CARE + "Bayi Baru Lahir"),
    ("1.02.02.2.02.0004", _HEALTH, 1_600_000, _DAU_DAK, _CARE + "Balita"),
    ("1.02.02.2.02.0005", _HEALTH, 700_000, _DAU, _CARE + "pada Usia Pendidikan Dasar"),
    ("1.02.02.2.02.0006", _HEALTH, 1_100_000, _DAU_PAD, _CARE + "pada Usia Produktif"),
    ("1.02.02.2.02.0007", _HEALTH, 800_000, _DAU, _CARE + "pada Usia Lanjut"),
    ("1.02.02.2.02.0008", _HEALTH, 600_000, _DAU, _CARE + "Penderita Hipertensi"),
    ("1.02.02.2.02.0009", _HEALTH, 500_000, _DAU, _CARE + "Penderita Diabetes Melitus"),
    ("1.02.02.2.02.0010", _HEALTH, 300_000, _DAU, _CARE + "Orang dengan Gangguan Jiwa Berat"),
    ("1.02.02.2.02.0011", _HEALTH, 700_000, _DAU_DAK, _CARE + "Orang Terduga Tuberkulosis"),
    ("1.02.02.2.02.0012", _HEALTH, 400_000, _DAU, _CARE + "Orang dengan Risiko Terinfeksi HIV"),
    ("1.01.02.2.01.0001", _EDUCATION, 2_500_000, _DAK_FISIK, "Pembangunan Unit Sekolah Baru (USB) SD"),
    ("1.01.02.2.01.0009", _EDUCATION, 9_000_000, _DAK, "Pengelolaan Dana BOS Sekolah Dasar"),
    ("1.01.02.2.02.0009", _EDUCATION, 6_000_000, _DAK, "Pengelolaan Dana BOS Sekolah Menengah Pertama"),
    ("1.01.02.2.03.0010", _EDUCATION, 1_200_000, _DAU, "Penyediaan Pendidik dan Tenaga Kependidikan PAUD"),
    ("1.01.02.2.04.0003", _EDUCATION, 500_000, _DAU, "Penyelenggaraan Proses Belajar Pendidikan Kesetaraan"),
    ("1.06.04.2.01.0001", _SOCIAL, 300_000, _DAU, "Penyediaan Permakanan Penyandang Disabilitas Terlantar"),
    ("1.06.04.2.02.0001", _SOCIAL, 250_000, _DAU, "Penyediaan Permakanan bagi Anak Terlantar"),
    ("1.06.04.2.03.0001", _SOCIAL, 350_000, _DAU, "Penyediaan Permakanan bagi Lanjut Usia Terlantar"),
    ("1.06.06.2.01.0001", _SOCIAL, 400_000, _DAU_PAD, "Penyediaan Makanan dan Penampungan Korban Bencana"),
    ("1.04.02.2.01.0001", _HOUSING, 200_000, _DAU, "Pendataan dan Rehabilitasi Rumah Korban Bencana"),
    ("1.04.02.2.01.0002", _HOUSING, 1_500_000, ("DAK Fisik", "DAU"), "Penyediaan Rumah bagi Korban Bencana"),
    ("1.03.03.2.01.0001", _WORKS, 3_000_000, _DAK_FISIK, "Pembangunan Sistem Penyediaan Air Minum (SPAM)"),
    ("1.05.03.2.01.0001", _DISASTER, 150_000, _DAU, "Penyediaan Informasi Rawan Bencana"),
)
_PROVINCE_LINES = (
    ("1.02.02.2.01.0001", _HEALTH, 200_000, _DAU, "Pelayanan Kesehatan Penduduk Terdampak Krisis Bencana"),
    ("1.02.02.2.01.0002", _HEALTH, 150_000, _DAU, "Pelayanan Kesehatan Penduduk pada Kejadian Luar Biasa"),
    ("1.01.02.2.01.0009", _EDUCATION, 4_000_000, _DAK, "Pengelolaan Dana BOS Sekolah Menengah Atas"),
    ("1.01.02.2.02.0009", _EDUCATION, 3_000_000, _DAK, "Pengelolaan Dana BOS Sekolah Menengah Kejuruan"),
    ("1.01.02.2.03.0001", _EDUCATION, 600_000, _DAU, "Pengelolaan Pendidikan Khusus (SLB)"),
    ("1.06.04.2.01.0001", _SOCIAL, 300_000, _DAU_PAD, "Rehabilitasi Sosial Disabilitas dalam Panti"),
    ("1.06.06.2.01.0001", _SOCIAL, 250_000, _DAU, "Perlindungan Sosial Korban Bencana Alam dan Sosial"),
    ("1.04.02.2.01.0002", _HOUSING, 500_000, _DAU, "Penyediaan Rumah bagi Korban Bencana Provinsi"),
    ("1.05.03.2.01.0001", _DISASTER, 100_000, _DAU, "Penyediaan Informasi Rawan Bencana Provinsi"),
)
# Social protection lines: the regional health insurance premiums (PBI-JK daerah / Jamkesda, the APBD share of
# JKN for the poor the national quota leaves out) and the region's part in social assistance (verifying the
# poor for BPNT/PKH, family welfare aid). Drawn from their own stream, after the lines above.
_SOCIAL_PROTECTION_REGENCY = (
    ("1.02.02.2.02.0020", _HEALTH, 9_000_000, _DAU_PAD, "Pengelolaan Jaminan Kesehatan Masyarakat"),
    ("1.06.06.2.02.0001", _SOCIAL, 200_000, _DAU, "Pengelolaan Data Fakir Miskin Cakupan Daerah Kabupaten/Kota"),
    ("1.06.06.2.02.0002", _SOCIAL, 600_000, _DAU_PAD, "Fasilitasi Bantuan Sosial Kesejahteraan Keluarga"),
)
_SOCIAL_PROTECTION_PROVINCE = (
    ("1.02.02.2.02.0020", _HEALTH, 3_500_000, _DAU_PAD, "Pengelolaan Jaminan Kesehatan Masyarakat Provinsi"),
    ("1.06.06.2.02.0001", _SOCIAL, 80_000, _DAU, "Pengelolaan Data Fakir Miskin Cakupan Daerah Provinsi"),
)
# fmt: on


def build(world: World) -> list[SourceFile]:
    rng = world.streams.rng("sipd")
    province = PROVINCES[world.province]
    governments = [
        (
            province.code,
            f"Provinsi {province.name}",
            sum(r.population_k for r in province.regencies),
            _PROVINCE_LINES,
        )
    ]
    governments += [
        (r.code, r.name if r.is_city else f"Kabupaten {r.name}", r.population_k, _REGENCY_LINES)
        for r in province.regencies
    ]
    rows = _budget_rows(governments, rng)
    protection = [
        (code, name, population_k, _SOCIAL_PROTECTION_PROVINCE if code == province.code else _SOCIAL_PROTECTION_REGENCY)
        for code, name, population_k, _ in governments
    ]
    rows += _budget_rows(protection, world.streams.rng("sipd.social_protection"))
    code, name, sub, activity, agency, pagu, realised, source = (
        np.array(c, dtype=object) for c in zip(*rows, strict=True)
    )
    parts = [s.split(".") for s in sub]
    columns = {
        "tahun": np.full(len(rows), _YEAR),
        "kode_pemda": code,
        "nama_pemda": name,
        "kode_urusan": np.array([p[0] for p in parts], dtype=object),
        "kode_bidang_urusan": np.array([".".join(p[:2]) for p in parts], dtype=object),
        "kode_program": np.array([".".join(p[:3]) for p in parts], dtype=object),
        "kode_kegiatan": np.array([".".join(p[:5]) for p in parts], dtype=object),
        "kode_sub_kegiatan": sub,
        "nama_sub_kegiatan": activity,
        "nama_skpd": agency,
        "pagu": formats.decimal_id(pagu.astype(float)),
        "realisasi": formats.decimal_id(realised.astype(float)),
        "sumber_dana": source,
    }
    return [SourceFile("sipd_anggaran", f"sipd/sipd_apbd_{_YEAR}.csv", table(columns), delimiter=";")]


def _budget_rows(governments: list[tuple], rng: np.random.Generator) -> list[tuple]:
    """One row per (government, sub-activity, funding source): the ceiling split among the sources, scaled by
    population with noise, and a realisation of 35-98 %."""
    rows: list[tuple] = []
    for code, name, population_k, lines in governments:
        for sub_activity, agency, per_thousand, sources, activity_name in lines:
            share = rng.dirichlet(np.ones(len(sources)) * 3)
            total = per_thousand * population_k * rng.lognormal(0.0, 0.35)
            for source, part in zip(sources, share, strict=True):
                pagu = round(total * part / 1000) * 1000
                rows.append(
                    (
                        code,
                        name,
                        sub_activity,
                        activity_name,
                        agency,
                        pagu,
                        round(pagu * rng.uniform(0.35, 0.98)),
                        source,
                    )
                )
    return rows

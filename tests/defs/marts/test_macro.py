"""The BPS tables beside the microdata (docs/analyses/macro.md) on the session's province: the Susenas, Sakernas and
IPG/IDG figures are staged as delivered and lie within the sampling error the generator drew them with; the
registries' poverty, labour, informality, schooling, attainment, disability and female-headship measures agree with
the ground truth within stated tolerances; and the published cells are the exact counts where they are shown."""

from __future__ import annotations

import csv

import duckdb
import pytest

from tests.defs.marts.helpers import Pipeline

# The Regsosek visits ran 15 Oct - 30 Nov 2022: the ages labour status is counted at in the truth.
VISIT = "date '2022-11-07'"
# Regsosek lapangan_usaha 1-6 and the informal statuses in employment, in the truth's integer codes.
AGRICULTURE_SECTORS = (1, 2, 3, 4, 5, 6)
INFORMAL_STATUSES = (1, 2, 5, 6, 7)
# BPS's figures are drawn as truth + N(0, se); 4.5 standard errors (plus the 0.005 of rounding to two decimals)
# fail on about one value in 150,000.
SAMPLING_Z = 4.5


def _number(text: str) -> float:
    """An Indonesian-format number ('1.234,56') as BPS's export writes it."""
    return float(text.replace(".", "").replace(",", "."))


def _delivered(pipeline: Pipeline, pattern: str) -> list[dict[str, str]]:
    path = next((pipeline.truth.parent / "landing" / "bps").glob(pattern))
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def _truth(pipeline: Pipeline, sql: str) -> list[tuple]:
    with duckdb.connect() as con:
        for name in ("persons", "households", "regency_statistics"):
            path = str(pipeline.truth / f"{name}.parquet").replace("'", "''")
            con.execute(f"create view truth_{name} as select * from read_parquet('{path}')")
        return con.execute(sql).fetchall()


def test_bps_tables_are_staged_as_delivered(pipeline: Pipeline):
    poverty = {row["Kode Wilayah"]: row for row in _delivered(pipeline, "susenas_kemiskinan_kabkota_*.csv")}
    staged = pipeline.query("""
        select regency_code, poverty_headcount_p0_pct, poverty_gap_p1, poverty_severity_p2,
            poverty_line_idr_per_capita_month, poor_persons_thousands
        from staging.stg_bps__poverty order by 1""")
    assert [row[0] for row in staged] == sorted(poverty)
    for code, p0, p1, p2, line, poor in staged:
        row = poverty[code]
        assert (p0, p1, p2, line, poor) == pytest.approx(tuple(_number(row[h]) for h in (
            "Persentase Penduduk Miskin (P0)", "Indeks Kedalaman Kemiskinan (P1)",
            "Indeks Keparahan Kemiskinan (P2)", "Garis Kemiskinan (Rp/Kapita/Bulan)",
            "Jumlah Penduduk Miskin (Ribu Jiwa)")), abs=1e-9)
    labour = _delivered(pipeline, "sakernas_agustus_kabkota_*.csv")
    staged = {(code, sex): (tpt, tpak) for code, sex, tpt, tpak in pipeline.query(
        "select regency_code, sex, open_unemployment_rate_pct, labour_force_participation_pct "
        "from staging.stg_bps__labour_force")}
    assert len(staged) == 2 * len(labour)
    for row in labour:
        for sex, label in (("male", "Laki-laki"), ("female", "Perempuan")):
            assert staged[(row["Kode Wilayah"], sex)] == pytest.approx(
                (_number(row[f"TPT {label}"]), _number(row[f"TPAK {label}"])), abs=1e-9)
    gender = {row["Kode Wilayah"]: (_number(row["IPG"]), _number(row["IDG"]))
              for row in _delivered(pipeline, "ipg_idg_kabkota_*.csv")}
    staged = dict((code, (ipg, idg)) for code, ipg, idg in pipeline.query(
        "select regency_code, gender_development_index_ipg, gender_empowerment_index_idg "
        "from staging.stg_bps__gender_indices"))
    assert set(staged) == set(gender)
    assert all(staged[code] == pytest.approx(gender[code], abs=1e-9) for code in gender)


def test_survey_figures_are_within_the_sampling_error_of_the_truth(pipeline: Pipeline):
    truth = {row[0]: row[1:] for row in _truth(pipeline, """
        select regency_code, p0, p0_se, p1, p1_se, p2, p2_se, tpt_male, tpt_male_se, tpt_female, tpt_female_se,
            tpak_male, tpak_male_se, tpak_female, tpak_female_se, ipg, ipg_se, idg, idg_se
        from truth_regency_statistics""")}
    delivered = {row[0]: row[1:] for row in pipeline.query("""
        select poverty.regency_code, poverty.poverty_headcount_p0_pct, poverty.poverty_gap_p1,
            poverty.poverty_severity_p2, men.open_unemployment_rate_pct, women.open_unemployment_rate_pct,
            men.labour_force_participation_pct, women.labour_force_participation_pct,
            gender.gender_development_index_ipg, gender.gender_empowerment_index_idg
        from staging.stg_bps__poverty as poverty
        inner join staging.stg_bps__labour_force as men on poverty.regency_code = men.regency_code and men.sex = 'male'
        inner join staging.stg_bps__labour_force as women
            on poverty.regency_code = women.regency_code and women.sex = 'female'
        inner join staging.stg_bps__gender_indices as gender on poverty.regency_code = gender.regency_code""")}
    assert set(delivered) == set(truth)
    off = 0
    for code, values in delivered.items():
        true_values = truth[code]
        for i, value in enumerate(values):
            true, se = true_values[2 * i], true_values[2 * i + 1]
            # A negative draw is delivered as zero (a rate is never below it).
            assert abs(value - max(true, 0.0)) <= SAMPLING_Z * se + 0.005 or (value == 0 and true - SAMPLING_Z * se < 0)
            off += value != pytest.approx(true, abs=0.005)
    assert off > 0  # the survey is a sample: its figures are not the truth


def test_poverty_counts_agree_with_the_truth(pipeline: Pipeline):
    persons, share = pipeline.query("""
        select count(*), avg(case when reference_decile <= 4 then 1.0 else 0.0 end)
        from intermediate.int_marts_macro_persons""")[0]
    true_persons, true_share = _truth(pipeline, """
        select count(*), avg(case when decile <= 4 then 1.0 else 0.0 end) from truth_persons where alive""")[0]
    # Living persons no registry lists are missing (about 7 % here); a death nobody reported stays counted.
    assert 0.88 * true_persons <= persons <= true_persons * 1.02
    # The reference decile is Regsosek's proxy-means test (noise sd 0.35 on log consumption), not true welfare.
    assert share == pytest.approx(true_share, abs=0.05)
    # Where the mart shows a regency's counts they are the exact counts of the living linked persons.
    shown = pipeline.query("""
        select mart.regency_code, mart.persons, exact.persons, mart.persons_deciles_1_4, exact.deciles
        from marts.poverty_by_regency as mart
        inner join (select regency_code, count(*) as persons, count(*) filter (where reference_decile <= 4) as deciles
                    from intermediate.int_marts_macro_persons group by 1) as exact using (regency_code)
        where mart.region_level = 'regency'""")
    assert shown and all(m == e for _, m, e, _, _ in shown if m is not None)
    assert all(m == e for *_, m, e in shown if m is not None)
    # The gap columns are what they say, from the shown counts and the survey's P0.
    assert pipeline.scalar("""
        select count(*) from marts.poverty_by_regency
        where region_level = 'regency' and persons is not null and persons_deciles_1_4 is not null
            and deciles_1_4_minus_survey_poor
                <> persons_deciles_1_4 - round(persons * poverty_headcount_p0_pct / 100)""") == 0


@pytest.mark.parametrize("sex", ["female", "male"])
def test_labour_force_measures_agree_with_the_truth(pipeline: Pipeline, sex: str):
    participation, unemployment = pipeline.query("""
        select 100.0 * labour_force / persons_with_labour_status, 100.0 * unemployed / labour_force
        from marts.employment_by_regency where region_level = 'province' and sex = ?""", [sex])[0]
    true_participation, true_unemployment = _truth(pipeline, f"""
        select 100.0 * avg(case when working or seeking_work then 1 else 0 end),
            100.0 * sum(case when seeking_work then 1 else 0 end)
                / sum(case when working or seeking_work then 1 else 0 end)
        from truth_persons
        where alive and sex = '{sex}' and date_sub('year', birth_date, {VISIT}) >= 15""")[0]
    # Regsosek delivers work status as true; what differs is coverage, linkage and the visit-date approximation.
    assert participation == pytest.approx(true_participation, abs=2.0)
    assert unemployment == pytest.approx(true_unemployment, abs=1.5)


def test_informal_work_sectors_and_working_children_agree_with_the_truth(pipeline: Pipeline):
    informal, agriculture, children = pipeline.query("""
        select avg(case when is_informal then 1.0 else 0.0 end) filter (where work_status = 'working'),
            avg(case when sector_group = 'agriculture' then 1.0 else 0.0 end) filter (where work_status = 'working'),
            count(*) filter (where is_working_child)
        from intermediate.int_marts_macro_persons where has_labour_status""")[0]
    true_informal, true_agriculture, true_children = _truth(pipeline, f"""
        select avg(case when employment_status in {INFORMAL_STATUSES} then 1.0 else 0.0 end),
            avg(case when sector in {AGRICULTURE_SECTORS} then 1.0 else 0.0 end),
            count(*) filter (where date_sub('year', birth_date, {VISIT}) between 15 and 17)
        from truth_persons where alive and working and date_sub('year', birth_date, {VISIT}) >= 15""")[0]
    assert informal == pytest.approx(true_informal, abs=0.02)
    assert agriculture == pytest.approx(true_agriculture, abs=0.02)
    # Regsosek asks work status from 15: the working children it sees are 15-17 at the visit.
    assert 0.8 * true_children <= children <= true_children * 1.1 + 2
    # The mart's province rows, where shown, are the exact counts of the intermediate.
    mismatched = pipeline.scalar("""
        select count(*) from marts.employment_by_decile as mart
        inner join (
            select coalesce(cast(reference_decile as varchar), 'unknown') as decile, sex,
                coalesce(age_group, 'unknown') as age_group,
                count(*) filter (where has_labour_status and work_status = 'working' and is_informal) as informal
            from intermediate.int_marts_macro_persons group by all) as exact using (decile, sex, age_group)
        where mart.region_level = 'province' and mart.working_informal is not null
            and mart.working_informal <> exact.informal""")
    assert mismatched == 0


def test_gender_measures_agree_with_the_truth(pipeline: Pipeline):
    mart = {row[0]: row[1:] for row in pipeline.query("""
        select sex, school_participation_pct, senior_secondary_pct, disability_prevalence_pct,
            share_of_heads_deciles_1_4_pct
        from marts.gender_gaps_by_regency where region_level = 'province'""")}
    truth = {row[0]: row[1:] for row in _truth(pipeline, """
        select persons.sex,
            100.0 * avg(case when enrolled then 1 else 0 end) filter (where age between 7 and 18),
            100.0 * avg(case when education >= 3 then 1 else 0 end) filter (where age >= 25),
            100.0 * avg(case when disability then 1 else 0 end),
            100.0 * count(*) filter (where relationship = 1 and households.decile <= 4)
                / sum(count(*) filter (where relationship = 1 and households.decile <= 4)) over ()
        from truth_persons as persons inner join truth_households as households using (household_id)
        where persons.alive group by persons.sex""")}
    assert set(mart) == set(truth) == {"female", "male"}
    for sex in ("female", "male"):
        school, senior, disability, heads = mart[sex]
        true_school, true_senior, true_disability, true_heads = truth[sex]
        # Dapodik holds no madrasah pupils and is matched on NIK: enrolment it proves is a lower bound.
        assert true_school - 15 <= school <= true_school + 1
        assert senior == pytest.approx(true_senior, abs=2.0)
        assert disability == pytest.approx(true_disability, abs=1.5)
        # Heads by the family unit's head record, in deciles by Regsosek's proxy-means test rather than true welfare.
        assert heads == pytest.approx(true_heads, abs=5.0)
    # IPG and IDG stand beside every regency row, and each gap is female minus male, the same on both rows.
    assert pipeline.scalar("""
        select count(*) from marts.gender_gaps_by_regency as women
        inner join marts.gender_gaps_by_regency as men
            on women.region_code = men.region_code and women.sex = 'female' and men.sex = 'male'
        where women.region_level = 'regency' and (women.gender_development_index_ipg is null
            or women.labour_force_participation_gap_points is distinct from men.labour_force_participation_gap_points
            or abs(women.labour_force_participation_gap_points
                   - (women.labour_force_participation_pct - men.labour_force_participation_pct)) > 1e-9)""") == 0

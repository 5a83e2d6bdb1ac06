-- How many people each region's registries hold: linked persons in three, two or one of Regsosek, DTKS and P3KE
-- (with every combination), and an estimate of the people in none of them: distinct NIKs in sector sources
-- (Dapodik pupils, puskesmas patients) that no registry record carries, and whose normalised name and birth date
-- no registry record has either (a registry record may lack the NIK, or the sector source may mistype it).
-- Sector records without a NIK cannot be checked and are counted apart. Persons are placed where their family
-- lives; sector people where the sector record places them (Dapodik before health when both do; the lowest
-- regency code when one source places them in several).
with

persons as (
    select
        persons.person_id, persons.in_regsosek, persons.in_dtks, persons.in_p3ke, persons.registries_listing,
        families.province_code, families.regency_code
    from {{ ref('int_marts_persons') }} as persons
    inner join {{ ref('int_marts_families') }} as families on persons.family_key = families.family_key
),

registry_niks as (
    select distinct nik from {{ ref('int_marts_person_records') }} where nik is not null
),

sector_records as (
    select
        1 as source_rank, nik, full_name, birth_date,
        left(district_code, 2) as province_code, left(district_code, 4) as regency_code
    from {{ ref('stg_dapodik__pupils') }}
    union all
    select 2, nik, full_name, birth_date, province_code, regency_code
    from {{ ref('stg_kesehatan__services') }}
),

sector_niks as (
    select
        nik,
        -- Several records of one source may place a person in different regencies: the lowest code wins, so
        -- that a rerun counts the same people in the same places (a regency code begins with its province's).
        coalesce(min(province_code) filter (where source_rank = 1), min(province_code)) as province_code,
        coalesce(min(regency_code) filter (where source_rank = 1), min(regency_code)) as regency_code
    from sector_records
    where {{ regex_full_match('nik', '[0-9]{16}') }}
    group by nik
),

unregistered_names as (
    -- Only the few sector NIKs no registry record carries need the name check, so names are normalised for
    -- those alone, not for millions of service records.
    select distinct
        sector_records.nik, {{ normalise_name('sector_records.full_name') }} as name_normalised,
        sector_records.birth_date
    from sector_records
    where sector_records.nik in (
        select sector_niks.nik from sector_niks
        where not exists (select 1 from registry_niks where registry_niks.nik = sector_niks.nik)
    )
),

named_in_registry as (
    select distinct unregistered_names.nik
    from unregistered_names
    inner join {{ ref('int_persons') }} as registry_persons using (name_normalised, birth_date)
),

sector_people as (
    select
        sector_niks.nik,
        sector_niks.province_code,
        sector_niks.regency_code,
        registry_niks.nik is not null as nik_registered,
        named_in_registry.nik is not null as name_and_birth_date_registered
    from sector_niks
    left join registry_niks on sector_niks.nik = registry_niks.nik
    left join named_in_registry on sector_niks.nik = named_in_registry.nik
),

sector_counts as (
    select
        {{- region_grouping(relation='sector_people') }},
        count(*) as sector_people_checked,
        count(*) filter (where not sector_people.nik_registered and not sector_people.name_and_birth_date_registered)
            as persons_in_none_estimated
    from sector_people
    group by grouping sets ((sector_people.province_code), (sector_people.province_code, sector_people.regency_code))
),

sector_without_nik as (
    select
        {{- region_grouping() }},
        count(*) as sector_records_without_nik
    from sector_records
    where nik is null or not {{ regex_full_match('nik', '[0-9]{16}') }}
    group by grouping sets ((province_code), (province_code, regency_code))
),

person_counts as (
    select
        {{- region_grouping() }},
        count(*) as persons_linked,
        count(*) filter (where registries_listing = 3) as persons_in_three,
        count(*) filter (where registries_listing = 2) as persons_in_two,
        count(*) filter (where registries_listing = 1) as persons_in_one,
        count(*) filter (where in_regsosek) as in_regsosek,
        count(*) filter (where in_dtks) as in_dtks,
        count(*) filter (where in_p3ke) as in_p3ke,
        count(*) filter (where in_regsosek and not in_dtks and not in_p3ke) as only_regsosek,
        count(*) filter (where in_dtks and not in_regsosek and not in_p3ke) as only_dtks,
        count(*) filter (where in_p3ke and not in_regsosek and not in_dtks) as only_p3ke,
        count(*) filter (where in_regsosek and in_dtks and not in_p3ke) as regsosek_and_dtks_only,
        count(*) filter (where in_regsosek and in_p3ke and not in_dtks) as regsosek_and_p3ke_only,
        count(*) filter (where in_dtks and in_p3ke and not in_regsosek) as dtks_and_p3ke_only
    from persons
    group by grouping sets ((province_code), (province_code, regency_code))
),

region_keys as (
    select province_code, regency_code, grouping_id from person_counts
    union
    select province_code, regency_code, grouping_id from sector_counts
    union
    select province_code, regency_code, grouping_id from sector_without_nik
),

final as (
    select
        {{ region_level('region_keys.grouping_id') }} as region_level,
        {{ region_code('region_keys.grouping_id', relation='region_keys') }} as region_code,
        regions.name as region_name,
        region_keys.province_code,
        region_keys.regency_code,
        {%- for column in ['persons_linked', 'persons_in_three', 'persons_in_two', 'persons_in_one'] %}
        cast(coalesce(person_counts.{{ column }}, 0) as bigint) as {{ column }},
        {%- endfor %}
        cast(coalesce(sector_counts.persons_in_none_estimated, 0) as bigint) as persons_in_none_estimated,
        {%- for column in ['in_regsosek', 'in_dtks', 'in_p3ke', 'only_regsosek', 'only_dtks', 'only_p3ke',
                           'regsosek_and_dtks_only', 'regsosek_and_p3ke_only', 'dtks_and_p3ke_only'] %}
        cast(coalesce(person_counts.{{ column }}, 0) as bigint) as {{ column }},
        {%- endfor %}
        cast(coalesce(sector_counts.sector_people_checked, 0) as bigint) as sector_people_checked,
        cast(coalesce(sector_without_nik.sector_records_without_nik, 0) as bigint) as sector_records_without_nik,
        coalesce(sector_counts.persons_in_none_estimated, 0)
            / nullif(coalesce(person_counts.persons_linked, 0) + coalesce(sector_counts.persons_in_none_estimated, 0), 0)
            as share_in_none_estimated
    from region_keys
    left join person_counts
        on region_keys.grouping_id = person_counts.grouping_id
        and region_keys.province_code is not distinct from person_counts.province_code
        and region_keys.regency_code is not distinct from person_counts.regency_code
    left join sector_counts
        on region_keys.grouping_id = sector_counts.grouping_id
        and region_keys.province_code is not distinct from sector_counts.province_code
        and region_keys.regency_code is not distinct from sector_counts.regency_code
    left join sector_without_nik
        on region_keys.grouping_id = sector_without_nik.grouping_id
        and region_keys.province_code is not distinct from sector_without_nik.province_code
        and region_keys.regency_code is not distinct from sector_without_nik.regency_code
    left join {{ ref('ref_regions') }} as regions
        on regions.region_code = {{ region_code('region_keys.grouping_id', relation='region_keys') }}
)

select * from final

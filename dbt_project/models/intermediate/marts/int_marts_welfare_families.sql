-- One row per family unit with living members, as the welfare distribution marts count it: its region, its decile
-- under each registry's own ranking and under the reference one (welfare_rankings), Regsosek's percentile (DTSEN
-- ranks by percentile 1-100 and decile; no other registry delivers a percentile), its living members, and what a
-- household is counted under in a cross by person attributes: its head's sex and age group, and whether any member
-- has a disability (as spm_indicators counts households). A family none of whose household records is in the
-- warehouse (quarantined) has no village; it stays here, where a rate test counts it, and the marts leave it out.
{%- set regsosek = registries() | selectattr('registry', 'equalto', 'regsosek') | first %}
with

families as (
    select * from {{ ref('int_marts_families') }}
    where members_living > 0
),

reference_ranking as (
    select ranking from {{ ref('welfare_rankings') }} where is_reference
),

regsosek_percentiles as (
    -- A family listed twice by Regsosek keeps its poorest percentile, as it keeps its poorest decile.
    select units.family_key, min(households.percentile) as regsosek_percentile
    from {{ ref('int_marts_family_units') }} as units
    inner join {{ ref(regsosek.households_model) }} as households
        on units.household_record_key
            = {{ registry_record_key(regsosek.household_table, 'households.' ~ regsosek.household_id) }}
    where units.registry = '{{ regsosek.registry }}'
    group by units.family_key
),

heads as (
    select person_id, sex, age_years from {{ ref('int_marts_persons') }}
),

age_groups as (
    select * from {{ ref('age_groups') }}
),

final as (
    select
        families.family_key,
        families.village_code,
        families.district_code,
        families.regency_code,
        families.province_code,
        families.members_living,
        families.in_regsosek,
        families.in_dtks,
        families.in_p3ke,
        families.regsosek_decile,
        families.dtks_decile,
        families.p3ke_decile,
        reference_ranking.ranking as reference_ranking,
        {{ decile_under_ranking('reference_ranking.ranking', 'families') }} as reference_decile,
        regsosek_percentiles.regsosek_percentile,
        coalesce(heads.sex, 'unknown') as head_sex,
        coalesce(age_groups.age_group, 'unknown') as head_age_group,
        case when families.any_member_with_disability then 'with_disability' else 'without_disability' end
            as disability
    from families
    cross join reference_ranking
    left join regsosek_percentiles on families.family_key = regsosek_percentiles.family_key
    left join heads on families.head_person_id = heads.person_id
    left join age_groups
        on heads.age_years >= age_groups.min_age_years
        and (age_groups.max_age_years is null or heads.age_years <= age_groups.max_age_years)
)

select * from final

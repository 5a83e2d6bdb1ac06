-- RAD PD (regional action plan for persons with disabilities) by functional domain: living persons by region
-- (province, regency), Washington Group domain (seeing, hearing, walking, remembering, self_care, communicating),
-- severity (functional_difficulty_severity: at the WG disability cut-off, or some difficulty), sex, age group
-- (age_groups) and reference decile. A person counts once in every domain they have difficulty in. The domains are
-- Regsosek's questions: persons Regsosek did not interview are not in this table (DTKS, P3KE and Dapodik record a
-- disability type, not a domain). Publishable: small counts and the cells that would give them away are suppressed
-- (NULL) as its yml's config.meta.disclosure declares (macros/disclosure.sql).
{%- set difficulty_columns = columns_with_prefix(ref('int_marts_social_persons'), 'difficulty_') %}
with

persons as (
    select
        person_id,
        province_code,
        regency_code,
        sex,
        age_group,
        coalesce(cast(reference_decile as {{ dbt.type_string() }}), 'unknown') as reference_decile,
        {{ difficulty_columns | join(', ') }}
    from {{ ref('int_marts_social_persons') }}
),

answers as (
    {{ unpivot('persons', difficulty_columns, 'domain_column', 'functional_difficulty') }}
),

graded as (
    select answers.*, replace(answers.domain_column, 'difficulty_', '') as domain, severities.severity
    from answers
    inner join {{ ref('functional_difficulty_severity') }} as severities
        on answers.functional_difficulty = severities.functional_difficulty
),

grouped as (
    select
        {{- region_grouping() }},
        domain,
        severity,
        sex,
        age_group,
        reference_decile,
        count(*) as persons
    from graded
    group by grouping sets (
        (province_code, domain, severity, sex, age_group, reference_decile),
        (province_code, regency_code, domain, severity, sex, age_group, reference_decile)
    )
),

cells as (
    {{ published_region_cells(['domain', 'severity', 'sex', 'age_group', 'reference_decile'], ['persons']) }}
),

final as {{ suppress_small_cells('cells',
                                 order_by=['region_code', 'domain', 'severity', 'sex', 'age_group', 'reference_decile']) }}

select * from final

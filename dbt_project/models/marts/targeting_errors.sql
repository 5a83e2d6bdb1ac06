-- Inclusion and exclusion errors per programme (component 'all'; PKH and PIP also per component) and region
-- (province, regency, district), under the rule's reference ranking and, side by side, with DTKS or P3KE as the
-- reference ranking. Counts are of the programme's units (int_marts_program_units): persons for PBI-JK and PIP,
-- families for BPNT and PKH, members for PKH components.
--   inclusion_error_rate = inclusion_errors / recipients    (receiving but not eligible, or not in the ranking)
--   exclusion_error_rate = exclusion_errors / eligible      (eligible but not receiving)
-- eligible = correctly_targeted + exclusion_errors; recipients = correctly_targeted + inclusion_errors.
-- Receipt-based columns are NULL for a programme without a recipient list (PIP).
-- listed_elsewhere: units that would be eligible here but whose person lives in another province, which lists them
-- (the national pass's flags): in no count above, and not exclusion errors here; a recipient among them is an
-- inclusion error (the second payment).
with

units as (
    select * from {{ ref('int_marts_program_units') }}
),

rules as (
    select program, program_components, receipt_known from {{ ref('int_marts_program_rules') }}
    qualify row_number() over (partition by program order by component_priority) = 1
),

regions as (
    select region_code, name from {{ ref('ref_regions') }}
),

reported as (
    -- Programme-level rows always; component rows where a programme has more than one component.
    select units.*, rules.receipt_known
    from units
    inner join rules on units.program = rules.program
    where units.component = 'all' or rules.program_components > 1
),

counted as (
    select
        program,
        any_value(program_label) as program_label,
        component,
        any_value(unit_kind) as unit_kind,
        any_value(reference_ranking) as reference_ranking,
        {{- region_grouping(3) }},
        bool_and(receipt_known) as receipt_known,
        {%- for suffix, prefix, flag in [('', '', 'eligible'), ('_dtks', 'dtks_ranking_', 'eligible_under_dtks'),
                                         ('_p3ke', 'p3ke_ranking_', 'eligible_under_p3ke')] %}
        count(*) filter (where {{ flag }}) as {{ prefix }}eligible,
        count(*) filter (where classification{{ suffix }} = 'correctly_targeted') as {{ prefix }}correctly_targeted,
        count(*) filter (where classification{{ suffix }} like 'inclusion_error%') as {{ prefix }}inclusion_errors,
        count(*) filter (where classification{{ suffix }} = 'inclusion_error_not_eligible')
            as {{ prefix }}inclusion_errors_not_eligible,
        count(*) filter (where classification{{ suffix }} = 'inclusion_error_not_in_reference')
            as {{ prefix }}inclusion_errors_not_in_reference,
        count(*) filter (where classification{{ suffix }} = 'exclusion_error') as {{ prefix }}exclusion_errors,
        {%- endfor %}
        count(*) filter (where listed_elsewhere) as listed_elsewhere,
        count(*) filter (where receiving) as recipients
    from reported
    group by grouping sets (
        (program, component, province_code),
        (program, component, province_code, regency_code),
        (program, component, province_code, regency_code, district_code)
    )
),

final as (
    select
        counted.program,
        counted.program_label,
        counted.component,
        counted.unit_kind,
        {{ region_level('counted.grouping_id', 3) }} as region_level,
        {{ region_code('counted.grouping_id', 3, 'counted') }} as region_code,
        regions.name as region_name,
        counted.province_code,
        counted.regency_code,
        counted.district_code,
        counted.reference_ranking,
        counted.receipt_known,
        cast(counted.eligible as bigint) as eligible,
        cast(counted.listed_elsewhere as bigint) as listed_elsewhere,
        cast(case when counted.receipt_known then counted.recipients end as bigint) as recipients,
        {%- for prefix in ['', 'dtks_ranking_', 'p3ke_ranking_'] %}
        {%- if prefix %}
        cast(counted.{{ prefix }}eligible as bigint) as {{ prefix }}eligible,
        {%- endif %}
        {%- for measure in ['correctly_targeted', 'inclusion_errors', 'inclusion_errors_not_eligible',
                            'inclusion_errors_not_in_reference', 'exclusion_errors'] %}
        cast(case when counted.receipt_known then counted.{{ prefix }}{{ measure }} end as bigint)
            as {{ prefix }}{{ measure }},
        {%- endfor %}
        case when counted.receipt_known
            then counted.{{ prefix }}inclusion_errors / nullif(counted.recipients, 0) end
            as {{ prefix }}inclusion_error_rate,
        case when counted.receipt_known
            then counted.{{ prefix }}exclusion_errors / nullif(counted.{{ prefix }}eligible, 0) end
            as {{ prefix }}exclusion_error_rate{{ "," if not loop.last }}
        {%- endfor %}
    from counted
    left join regions
        on regions.region_code = {{ region_code('counted.grouping_id', 3, 'counted') }}
)

select * from final

-- What targeting costs and how much money moves if it is fixed, per programme and region (province, regency), in
-- rupiah per year at the unit costs in force (program_unit_costs; PKH per component):
--   current_cost = recipients x unit cost               target_cost = eligible x unit cost
--   cost_of_exclusion_errors = exclusion errors x unit cost
--   savings_from_inclusion_errors = inclusion errors x unit cost
--   net_reallocation = savings_from_inclusion_errors - cost_of_exclusion_errors = current_cost - target_cost
-- (positive: money freed for other uses; negative: more money is needed). Each is split by who pays
-- (program_financing_shares; the regency part takes the rounding): the recipients national lists hold and the
-- savings from removing inclusion errors by the programme's national scheme (APBN: PBI-JK of DTKS recipients is
-- charged to the centre only), the cost of covering exclusion errors by its regional scheme where it has one (APBD:
-- PBI-JK daerah / Jamkesda, split province/regency), else by the national one. The net reallocation's parts are
-- the savings' parts minus the exclusion cost's parts. Beside them, the regional
-- budget (SIPD) of the same government for the sub-activities mapped to the programme
-- (program_sipd_sub_activities): the regency's own lines on regency rows, the province's on the province row.
-- depends_on: {{ ref('parameters_awaiting_confirmation') }} (its Dagster metadata lists them)
{%- set as_of = "cast('" ~ var('as_of_date') ~ "' as date)" %}
with

units as (
    select * from {{ ref('int_marts_program_units') }}
    where component <> 'all'
),

rules as (
    select program, program_label, receipt_known from {{ ref('int_marts_program_rules') }}
    qualify row_number() over (partition by program order by component_priority) = 1
),

shares_in_force as (
    select
        *,
        -- The scheme that pays for covering exclusion errors: regional where the programme has one.
        case when bool_or(funding_scheme = 'regional') over (partition by program) then 'regional' else 'national' end
            as exclusion_funding_scheme
    from {{ ref('program_financing_shares') }}
    where valid_from <= {{ as_of }}
    qualify row_number() over (partition by program, funding_scheme, financing_level order by valid_from desc) = 1
),

shares as (
    -- Per programme: the national scheme's shares and the exclusion scheme's shares, per government level.
    select
        program,
        any_value(exclusion_funding_scheme) as exclusion_funding_scheme,
        {%- for level in ['central', 'province', 'regency'] %}
        coalesce(sum(share) filter (where funding_scheme = 'national' and financing_level = '{{ level }}'), 0)
            as {{ level }}_share,
        coalesce(sum(share) filter (
            where funding_scheme = exclusion_funding_scheme and financing_level = '{{ level }}'), 0)
            as exclusion_{{ level }}_share{{ ',' if not loop.last }}
        {%- endfor %}
    from shares_in_force
    group by program
),

sub_activities as (
    select program, sipd_sub_activity_code from {{ ref('program_sipd_sub_activities') }}
    where valid_from <= {{ as_of }}
    qualify row_number() over (partition by program, sipd_sub_activity_code order by valid_from desc) = 1
),

budget_lines as (
    select * from {{ ref('stg_sipd__budget_lines') }}
    where fiscal_year = (select max(fiscal_year) from {{ ref('stg_sipd__budget_lines') }})
),

sipd as (
    select
        sub_activities.program,
        budget_lines.government_code,
        any_value(budget_lines.fiscal_year) as fiscal_year,
        array_sort(array_agg(distinct budget_lines.sub_activity_code)) as sub_activity_codes,
        sum(budget_lines.budget_ceiling_idr) as budget_ceiling_idr,
        sum(budget_lines.realised_idr) as realised_idr
    from budget_lines
    inner join sub_activities on budget_lines.sub_activity_code = sub_activities.sipd_sub_activity_code
    group by sub_activities.program, budget_lines.government_code
),

costed as (
    select
        program,
        {{- region_grouping() }},
        count(*) filter (where eligible) as eligible_units,
        count(*) filter (where receiving) as recipient_units,
        count(*) filter (where classification = 'exclusion_error') as exclusion_error_units,
        count(*) filter (where classification like 'inclusion_error%') as inclusion_error_units,
        coalesce(sum(annual_amount_idr) filter (where receiving), 0) as current_cost_idr,
        coalesce(sum(annual_amount_idr) filter (where eligible), 0) as target_cost_idr,
        coalesce(sum(annual_amount_idr) filter (where classification = 'exclusion_error'), 0)
            as cost_of_exclusion_errors_idr,
        coalesce(sum(annual_amount_idr) filter (where classification like 'inclusion_error%'), 0)
            as savings_from_inclusion_errors_idr
    from units
    group by grouping sets ((program, province_code), (program, province_code, regency_code))
),

amounts as (
    select
        costed.program,
        rules.program_label,
        costed.province_code,
        costed.regency_code,
        costed.grouping_id,
        rules.receipt_known,
        -- What rests on receipt is NULL for a programme without a recipient list (PIP).
        {%- for measure, receipt_based in [
            ('eligible_units', false), ('recipient_units', true), ('exclusion_error_units', true),
            ('inclusion_error_units', true), ('current_cost_idr', true), ('target_cost_idr', false),
            ('cost_of_exclusion_errors_idr', true), ('savings_from_inclusion_errors_idr', true)] %}
        {%- set value = 'costed.' ~ measure %}
        cast({{ "case when rules.receipt_known then " ~ value ~ " end" if receipt_based else value }} as bigint)
            as {{ measure }},
        {%- endfor %}
        coalesce(shares.exclusion_funding_scheme, 'national') as exclusion_funding_scheme,
        {%- for level in ['central', 'province', 'regency'] %}
        coalesce(shares.{{ level }}_share, 0) as {{ level }}_share,
        coalesce(shares.exclusion_{{ level }}_share, 0) as exclusion_{{ level }}_share{{ ',' if not loop.last }}
        {%- endfor %}
    from costed
    inner join rules on costed.program = rules.program
    left join shares on costed.program = shares.program
),

final as (
    select
        amounts.program,
        amounts.program_label,
        {{ region_level('amounts.grouping_id') }} as region_level,
        {{ region_code('amounts.grouping_id', relation='amounts') }} as region_code,
        regions.name as region_name,
        amounts.province_code,
        amounts.regency_code,
        amounts.receipt_known,
        amounts.eligible_units,
        amounts.recipient_units,
        amounts.exclusion_error_units,
        amounts.inclusion_error_units,
        amounts.current_cost_idr,
        amounts.target_cost_idr,
        amounts.cost_of_exclusion_errors_idr,
        amounts.savings_from_inclusion_errors_idr,
        amounts.savings_from_inclusion_errors_idr - amounts.cost_of_exclusion_errors_idr as net_reallocation_idr,
        amounts.central_share,
        amounts.province_share,
        amounts.regency_share,
        amounts.exclusion_funding_scheme,
        amounts.exclusion_central_share,
        amounts.exclusion_province_share,
        amounts.exclusion_regency_share,
        {%- for measure, prefix in [('current_cost', ''), ('cost_of_exclusion_errors', 'exclusion_'),
                                    ('savings_from_inclusion_errors', '')] %}
        {{ financing_parts('amounts.' ~ measure ~ '_idr', 'amounts.' ~ prefix, measure) }},
        {%- endfor %}
        {%- for level in ['central', 'province', 'regency'] %}
        {{ financing_part('amounts.savings_from_inclusion_errors_idr', 'amounts.', level) }}
            - {{ financing_part('amounts.cost_of_exclusion_errors_idr', 'amounts.exclusion_', level) }}
            as net_reallocation_{{ level }}_idr,
        {%- endfor %}
        sipd.fiscal_year as sipd_fiscal_year,
        sipd.sub_activity_codes as sipd_sub_activity_codes,
        sipd.budget_ceiling_idr as sipd_budget_ceiling_idr,
        sipd.realised_idr as sipd_realised_idr
    from amounts
    left join sipd
        on amounts.program = sipd.program
        and sipd.government_code = {{ region_code('amounts.grouping_id', relation='amounts') }}
    left join {{ ref('ref_regions') }} as regions
        on regions.region_code = {{ region_code('amounts.grouping_id', relation='amounts') }}
)

select * from final

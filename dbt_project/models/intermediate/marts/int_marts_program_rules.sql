-- The programme rules in force at the var as_of_date: per programme and component the latest eligibility rule
-- (program_eligibility_rules) and unit cost (program_unit_costs) with valid_from on or before it, the receipt
-- source (program_delivery), and derived fields: the unit a rule targets (person; family; or member, when a family
-- qualifies through members who meet a condition, as PKH components do), the cost per unit and year, and the
-- order in which a member's components count (highest amount first) towards the per-family cap.
{%- set as_of = "cast('" ~ var('as_of_date') ~ "' as date)" %}
with

rules as (
    select * from {{ ref('program_eligibility_rules') }}
    where valid_from <= {{ as_of }}
    qualify row_number() over (partition by program, component order by valid_from desc) = 1
),

costs as (
    select * from {{ ref('program_unit_costs') }}
    where valid_from <= {{ as_of }}
    qualify row_number() over (partition by program, component order by valid_from desc) = 1
),

delivery as (
    select * from {{ ref('program_delivery') }}
    where valid_from <= {{ as_of }}
    qualify row_number() over (partition by program order by valid_from desc) = 1
),

combined as (
    select
        rules.program,
        coalesce(delivery.program_label, upper(rules.program)) as program_label,
        rules.component,
        rules.beneficiary_unit,
        case
            when rules.beneficiary_unit = 'family' and rules.member_condition = 'none'
                and rules.min_age_years is null and rules.max_age_years is null then 'family'
            when rules.beneficiary_unit = 'family' then 'member'
            else 'person'
        end as unit_kind,
        rules.ranking,
        rules.max_decile,
        rules.min_age_years,
        rules.max_age_years,
        rules.member_condition,
        rules.max_components_per_family,
        rules.valid_from as rule_valid_from,
        costs.amount_idr,
        costs.per as cost_per,
        costs.period as cost_period,
        costs.valid_from as cost_valid_from,
        cast(costs.amount_idr * case costs.period when 'month' then 12 else 1 end as bigint) as annual_amount_idr,
        coalesce(delivery.receipt_source, 'none') as receipt_source,
        coalesce(delivery.receipt_source, 'none') <> 'none' as receipt_known,
        delivery.family_receipt_column,
        delivery.person_receipt_column
    from rules
    left join costs on rules.program = costs.program and rules.component = costs.component
    left join delivery on rules.program = delivery.program
),

final as (
    select
        *,
        cast(row_number() over (
            partition by program order by annual_amount_idr desc nulls last, component
        ) as integer) as component_priority,
        cast(count(*) over (partition by program) as integer) as program_components
    from combined
)

select * from final

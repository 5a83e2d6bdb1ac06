-- The first screen of the forum report, per programme and region (province, regency): the units eligible under the
-- reference ranking, the recipients, the exclusion and inclusion errors among them, and the net reallocation
-- those errors add up to (rupiah per year). The internal budget_reallocation holds the same figures beside every
-- cost and share; this is the part a forum may see, with a row's counts and its rupiah withheld together when any
-- of them (or an error's complement) is small, as its yml declares (macros/disclosure.sql).
with

reallocation as (
    select * from {{ ref('budget_reallocation') }}
    where region_level in ('province', 'regency')
),

cells as (
    select
        region_level,
        region_code,
        province_code,
        regency_code,
        program,
        program_label,
        receipt_known,
        cast(eligible_units as bigint) as eligible_units,
        cast(recipient_units as bigint) as recipient_units,
        cast(exclusion_error_units as bigint) as exclusion_error_units,
        cast(inclusion_error_units as bigint) as inclusion_error_units,
        net_reallocation_idr
    from reallocation
),

final as {{ suppress_small_cells('cells', order_by=['region_level', 'region_code', 'program']) }}

select * from final

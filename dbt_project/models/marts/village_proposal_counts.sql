-- Village proposals (Musdes/Muskel, SID) per village and how they were answered (docs/villages.md): every village of
-- the province, with zero where none was received. Publishable: a village's figures are withheld together (NULL)
-- when a count or its complement is from 1 to min_cell_count - 1, as its yml's config.meta.disclosure declares
-- (macros/disclosure.sql); the answers themselves go back to each village in its own feedback file.
with

villages as (
    select
        province_code,
        regency_code,
        district_code,
        village_code,
        cast(proposals_received as bigint) as proposals_received,
        cast(accepted as bigint) as accepted,
        cast(rejected as bigint) as rejected,
        cast(awaiting_verification as bigint) as awaiting_verification,
        (accepted + rejected) / nullif(proposals_received, 0) as answered_share
    from {{ ref('int_marts_village_data_updates') }}
    where region_level = 'village'
),

final as {{ suppress_small_cells('villages', order_by=['village_code']) }}

select * from final

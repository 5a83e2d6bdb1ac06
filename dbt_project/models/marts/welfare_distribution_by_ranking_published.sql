-- welfare_distribution_by_ranking as it may be published: each count from 1 to min_cell_count - 1 withheld (NULL),
-- and further counts until none can be recovered from a total (the province of its regencies, a region's families
-- of their deciles under a ranking), as its yml's config.meta.disclosure declares (macros/disclosure.sql).
with

cells as (
    select * from {{ ref('welfare_distribution_by_ranking') }}
),

final as {{ suppress_small_cells('cells', order_by=['region_level', 'region_code', 'ranking', 'decile']) }}

select * from final

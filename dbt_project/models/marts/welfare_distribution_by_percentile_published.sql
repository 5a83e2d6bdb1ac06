-- welfare_distribution_by_percentile as it may be published: each count from 1 to min_cell_count - 1 withheld
-- (NULL), and further counts until none can be recovered from the province's total of its regencies, as its yml's
-- config.meta.disclosure declares (macros/disclosure.sql).
with

cells as (
    select * from {{ ref('welfare_distribution_by_percentile') }}
),

final as {{ suppress_small_cells('cells', order_by=['region_level', 'region_code', 'percentile']) }}

select * from final

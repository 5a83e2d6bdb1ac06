-- welfare_distribution_by_decile as it may be published (RPJMD/RKPD poverty profiles, the Satu Data forum): each
-- count from 1 to min_cell_count - 1 withheld (NULL), and further counts until none can be recovered from a total
-- by subtraction (the province of its regencies, a regency of its districts, a district of its villages, a
-- region's decile of its sex x age group x disability cells), as its yml's config.meta.disclosure declares
-- (macros/disclosure.sql).
with

cells as (
    select * from {{ ref('welfare_distribution_by_decile') }}
),

final as {{ suppress_small_cells('cells', order_by=['region_level', 'region_code', 'decile', 'sex', 'age_group',
                                                   'disability']) }}

select * from final

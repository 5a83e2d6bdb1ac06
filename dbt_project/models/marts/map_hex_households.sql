-- Households of reference deciles 1-4 (decile_definitions.is_priority_band) per hexagon of the forum report's maps,
-- with how many of them receive no programme: where the poorest families the programmes miss live. Each family
-- is placed at its Regsosek geotag (the first of its Regsosek records that has one) and binned into pointy-top
-- hexagons on a plain longitude/latitude projection, at the size var map_hex_size_degrees gives each map: one
-- province map, and a finer map per regency (its hexagons at about village resolution). Published is the hexagon's
-- centre, never a geotag. One set-based pass over the families. Publishable: small counts and the cells that would
-- give them away are suppressed (NULL) as its yml declares (macros/disclosure.sql); hexagons add up to their
-- regency and to the province.
{%- set sizes = var('map_hex_size_degrees') %}
with

reference_ranking as (
    select ranking from {{ ref('welfare_rankings') }} where is_reference
),

priority_deciles as (
    select decile from {{ ref('decile_definitions') }} where is_priority_band
),

families as (
    select
        families.family_key,
        families.province_code,
        families.regency_code
    from {{ ref('int_marts_families') }} as families
    cross join reference_ranking
    where families.members_living > 0
        and cast({{ decile_under_ranking('reference_ranking.ranking', 'families') }} as integer)
            in (select decile from priority_deciles)
),

geotags as (
    select
        family_units.family_key,
        {{ min_by('households.latitude', 'family_units.household_record_key') }} as latitude,
        {{ min_by('households.longitude', 'family_units.household_record_key') }} as longitude
    from {{ ref('int_marts_family_units') }} as family_units
    inner join {{ ref('stg_regsosek__households') }} as households
        on family_units.household_record_key
            = {{ registry_record_key('regsosek_keluarga', 'households.household_id') }}
    where family_units.registry = 'regsosek'
        and households.latitude is not null and households.longitude is not null
    group by family_units.family_key
),

receiving as (
    select distinct family_key from {{ ref('int_marts_program_units') }}
    where receiving and family_key is not null
),

sizes as (
    select * from (values
        {%- for level, size in sizes.items() %}
        ('{{ level }}', cast({{ size }} as double)){{ "," if not loop.last }}
        {%- endfor %}
    ) as sizes (map_level, hex_size)
),

placed as (
    select
        families.province_code,
        families.regency_code,
        receiving.family_key is null as receives_none,
        sizes.map_level,
        sizes.hex_size,
        -- Fractional axial coordinates of a pointy-top hexagon grid, as cube coordinates (x + y + z = 0).
        (sqrt(3) / 3 * geotags.longitude - geotags.latitude / 3) / sizes.hex_size as cube_x,
        (2.0 / 3 * geotags.latitude) / sizes.hex_size as cube_z
    from families
    inner join geotags on families.family_key = geotags.family_key
    left join receiving on families.family_key = receiving.family_key
    cross join sizes
),

rounded as (
    select
        *,
        round(cube_x) as round_x,
        round(-cube_x - cube_z) as round_y,
        round(cube_z) as round_z
    from placed
),

binned as (
    -- Cube rounding: the coordinate that moved most is recomputed from the other two.
    select
        province_code,
        case when map_level = 'regency' then regency_code end as regency_code,
        map_level,
        hex_size,
        receives_none,
        cast(case when abs(round_x - cube_x) > abs(round_y + cube_x + cube_z)
                       and abs(round_x - cube_x) > abs(round_z - cube_z) then -round_y - round_z
                  else round_x end as integer) as hex_q,
        cast(case when abs(round_x - cube_x) > abs(round_y + cube_x + cube_z)
                       and abs(round_x - cube_x) > abs(round_z - cube_z) then round_z
                  when abs(round_y + cube_x + cube_z) > abs(round_z - cube_z) then round_z
                  else -round_x - round_y end as integer) as hex_r
    from rounded
),

grouped as (
    select
        map_level,
        province_code,
        regency_code,
        hex_q,
        hex_r,
        any_value(hex_size) as hex_size,
        grouping(regency_code, hex_q, hex_r) as grouping_id,
        count(*) as households,
        count(*) filter (where receives_none) as households_no_programme
    from binned
    group by grouping sets (
        (map_level, province_code),
        (map_level, province_code, regency_code),
        (map_level, province_code, regency_code, hex_q, hex_r)
    )
),

cells as (
    select
        map_level,
        case grouping_id when 0 then 'hex' when 3 then 'regency' else 'province' end as region_level,
        case grouping_id when 0 then coalesce(regency_code, province_code) || ':' || hex_q || ':' || hex_r
                         when 3 then regency_code else province_code end as region_code,
        province_code,
        regency_code,
        hex_q,
        hex_r,
        round(hex_size * sqrt(3) * (hex_q + hex_r / 2.0), 5) as centre_longitude,
        round(hex_size * 1.5 * hex_r, 5) as centre_latitude,
        hex_size,
        cast(households as bigint) as households,
        cast(households_no_programme as bigint) as households_no_programme
    from grouped
    -- One province row (the province map's); the province map has no regency rows (its regency_code is NULL).
    where not (map_level = 'province' and grouping_id = 3)
        and not (map_level = 'regency' and grouping_id = 7)
),

final as {{ suppress_small_cells('cells', order_by=['map_level', 'region_level', 'region_code']) }}

select * from final

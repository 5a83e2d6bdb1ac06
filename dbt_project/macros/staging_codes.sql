{#-
    A staging model's source CTE: every delivered column of source(`source_name`, `table_name`) and, beside
    them, the codebook labels of its coded columns, each declared once in the model:

        with source as ({{ staging_source('dtks', 'dtks_art', [
            staging_code('disabilitas', 'disability', ['disability_type', 'disability_group']),
            staging_code('jenis_kelamin', 'sex'),
            staging_code('pbi_jk', 'yes_no', {'is_yes': 'receives_pbi_jk'}, unknown_value='null'),
        ]) }}),

    gives the delivered columns of raw.dtks_art plus disability_type, disability_group, sex and receives_pbi_jk;
    the model's final CTE renames and types the delivered columns and selects the labels like any other column.
    The codebook rows used are those of the registry the source is named after (dtks, p3ke, regsosek, ...).
    Coded columns are listed in the order of their delivered names, so that one is found at a glance.

    Why: each coded column used to be written three times (a lookup CTE, its join, its label in the select), in
    the same shape in every staging model; here a model says once what is particular to it: which delivered
    column, which codebook, which labels under which names. The cost is codebook_lookup's (macros/map_code.sql):
    each coded column is looked up once per distinct delivered value and joined back on that value, so the
    staging views stay cheap at province scale (5.5 million persons).
-#}
{% macro staging_source(source_name, table_name, codes) -%}
    {%- set relation = source(source_name, table_name) -%}
    select
        source.*
        {%- for code in codes %}
        {%- for column, name in code.labels %},
        {{ code.lookup }}.{{ column }}{{ " as " ~ name if name != column }}
        {%- endfor %}
        {%- endfor %}
    from {{ relation }} as source
    {%- for code in codes %}
    left join (
        {{ codebook_lookup(relation, code.source_column, code.codebook, source_name,
            output_columns=code.labels | map(attribute=0) | list, unknown_value=code.unknown_value) }}
    ) as {{ code.lookup }}
        on source.{{ code.source_column }} = {{ code.lookup }}.code
    {%- endfor %}
{%- endmacro %}

{#-
    One coded column for staging_source: the delivered `source_column`, the codebook seed `codebook_<codebook>`
    it goes through, and the labels taken from that codebook. `labels` is a list of the codebook's columns, kept
    under their names (by default the one column named like the codebook), or a mapping from a codebook column
    to the name the model gives it ({'is_yes': 'receives_pkh'}). `unknown_value` is what a value the codebook
    does not know becomes, as in codebook_lookup: 'unknown' for text vocabularies, 'null' for boolean and
    numeric ones. Why a macro: the defaults and the two forms of `labels` are settled here, once, so that
    staging_source reads every coded column the same way.
-#}
{% macro staging_code(source_column, codebook, labels=none, unknown_value="'unknown'") -%}
    {%- set named_labels = [] -%}
    {%- if labels is mapping -%}
        {%- for column, name in labels.items() %}{% do named_labels.append((column, name)) %}{% endfor -%}
    {%- else -%}
        {%- for column in labels or [codebook] %}{% do named_labels.append((column, column)) %}{% endfor -%}
    {%- endif -%}
    {{ return({
        'source_column': source_column,
        'codebook': codebook,
        'labels': named_labels,
        'unknown_value': unknown_value,
        'lookup': source_column ~ '_codes',
    }) }}
{%- endmacro %}

{#-
    The housing conditions the RTLH rule sets assess (seeds/rules/rtlh_materials.csv), as coded columns for
    staging_source: a household registry names its delivered columns, and the labels come out through the same
    codebooks under the names int_households_unioned takes them by. `lighting` is left out where a registry does
    not record it (P3KE). Why: three registries deliver the same conditions under their own column names;
    declaring the set here keeps each RTLH criterion's codebook and name in one place.
-#}
{% macro staging_housing_codes(roof, wall, floor, drinking_water, sanitation, lighting=none) -%}
    {%- set codes = [
        staging_code(roof, 'roof_material'),
        staging_code(wall, 'wall_material'),
        staging_code(floor, 'floor_material'),
        staging_code(drinking_water, 'drinking_water_source'),
        staging_code(sanitation, 'sanitation_facility'),
    ] -%}
    {%- if lighting is not none %}{% do codes.append(staging_code(lighting, 'lighting_source')) %}{% endif -%}
    {{ return(codes) }}
{%- endmacro %}

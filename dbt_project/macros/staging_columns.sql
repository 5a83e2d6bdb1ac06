{#-
    Columns every staging model derives the same way, so that each registry's model says only where they come
    from and the layers above can rely on one form.
-#}

{#-
    The Kemendagri region codes from one code: `code` itself at `level` (village: 10 digits, district: 6), then
    the levels above it as its leading digits (district 6, regency 4, province 2). Why: every registry delivers
    one region code, and the layers above group and join on all four levels; the digits of each level are set
    here once.
-#}
{% macro staging_region_codes(code, level='village') -%}
    {%- set digits = {'village': 10, 'district': 6, 'regency': 4, 'province': 2} -%}
    {%- for name, length in digits.items() if length <= digits[level] %}
        {{ code if name == level else "left(" ~ code ~ ", " ~ length ~ ")" }} as {{ name }}_code
        {{- "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#-
    Where each staging row comes from: the file and line of the raw delivery the loader recorded. Why: a row's
    lineage is what a data steward needs to find it in the delivery, and every staging model carries it under
    the same names.
-#}
{% macro staging_lineage() -%}
        _source_file as source_file,
        _source_line as source_line
{%- endmacro %}

{#-
    What a person record is linked on, in one form from every registry that lists persons: the NIK with a blank
    one as NULL, the name as delivered (int_persons normalises it), the sex label (from the codebook) and the
    birth date as a date. Why: the linkage compares these fields across registries, so every registry must hand
    them over under the same names, types and order.
-#}
{% macro staging_person_identity(nik, full_name, sex, birth_date) -%}
        nullif(trim({{ nik }}), '') as nik,
        {{ full_name }} as full_name,
        {{ sex }}{{ " as sex" if sex != "sex" }},
        cast({{ birth_date }} as date) as birth_date
{%- endmacro %}

{#-
  How each programme's receipt is recorded (seeds/marts/program_delivery.csv), read when a model compiles, so that
  the programmes and the registry columns that flag their receipt are written in the seed alone and the SQL follows
  it: a programme whose recipient list becomes a source is a row in the seed, not an edit of every model.

  program_delivery(): the seed's rows in its file order (DuckDB keeps a seed's insertion order), as dicts of
  program, receipt_source, family_receipt_column and person_receipt_column; empty while dbt parses (nothing is
  read then; ref() records that the model depends on the seed). A unit test cannot query a seed while it compiles:
  it overrides the macros below that a model calls (overrides: macros: in the unit test) with the seed's values.
-#}
{% macro program_delivery() -%}
    {%- set seed = ref('program_delivery') -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set table = run_query(
        'select program, receipt_source, family_receipt_column, person_receipt_column from ' ~ seed) -%}
    {%- set rows = [] -%}
    {%- for row in table.rows -%}
        {%- do rows.append({
            'program': row['program'], 'receipt_source': row['receipt_source'],
            'family_receipt_column': row['family_receipt_column'],
            'person_receipt_column': row['person_receipt_column']}) -%}
    {%- endfor -%}
    {{ return(rows) }}
{%- endmacro %}


{#- The family flags that record receipt of a family programme (program_delivery.family_receipt_column). -#}
{% macro family_receipt_columns() -%}
    {{ return(program_delivery() | map(attribute='family_receipt_column') | select | unique | list) }}
{%- endmacro %}


{#-
  Whether a family receives the programme of a rule: NULL where no recipient list is a source (receipt_known),
  else the family flag the rule names (family_receipt_column), false for a rule that names none.
-#}
{% macro family_receipt(rule, families) -%}
    case
            when not {{ rule }}.receipt_known then null
            {%- for column in family_receipt_columns() %}
            when {{ rule }}.family_receipt_column = '{{ column }}' then {{ families }}.{{ column }}
            {%- endfor %}
            else false
        end
{%- endmacro %}


{#-
  The programmes a linked person receives, as a list in the seed's order: a family programme when the family's
  flag says so, a person programme when the person's does (programmes without a recipient list are left out).
-#}
{% macro programs_received(persons, families) -%}
    {%- set programs = [] %}
    {%- for delivery in program_delivery() if delivery.receipt_source != 'none' %}
        {%- if delivery.family_receipt_column %}
            {%- do programs.append('case when ' ~ families ~ '.' ~ delivery.family_receipt_column ~ " then '"
                                   ~ delivery.program ~ "' end") %}
        {%- else %}
            {%- do programs.append('case when ' ~ persons ~ '.' ~ delivery.person_receipt_column ~ " then '"
                                   ~ delivery.program ~ "' end") %}
        {%- endif %}
    {%- endfor %}
    {{ list_filter(list_of(programs), 'program', 'program is not null') }}
{%- endmacro %}


{#-
  Per family unit from its household records: receipt of each family programme as the registry that delivers
  its recipient list records it (any of the family's records of that registry), false where none says so.
-#}
{% macro family_programme_receipt() -%}
    {%- for delivery in program_delivery() if delivery.family_receipt_column %}
        coalesce(bool_or({{ delivery.family_receipt_column }}) filter (where registry = '{{ delivery.receipt_source }}'), false)
            as {{ delivery.family_receipt_column }}{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

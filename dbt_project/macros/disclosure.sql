{#-
  Statistical disclosure control of the publishable marts, one rule for every table (docs/marts.md, "Disclosure").

  What is publishable, and how, is declared once per model in its yml, as config.meta.disclosure:
    publishable: true
    suppression: cell | row     cell: each count column is withheld on its own; row: a row's counts go together
    count_columns: [...]        the counts (persons, families, ...) of the table
    complements: {part: whole}  (optional) whole - part is a count too (unserved = denominator - numerator)
    derived_columns: [...]      (optional) figures computed from the counts, withheld with them (rates, categories)
    totals:                     every linear identity "total = sum of parts" the table shows within its rows:
      - name: ...
        members: SQL            the rows taking part (e.g. region_level in ('province', 'regency'))
        by: [...]               columns that group them into one identity each (the parent's key and the cell)
        total: SQL              which row of a group is its total (e.g. region_level = 'province')
  and the threshold once, as the var min_cell_count. Python (sepakat_dagster/defs/marts/disclosure.py), the
  report, the Dagster previews and the tests read the same declaration from dbt's manifest.

  Primary suppression: a count from 1 to min_cell_count - 1 singles people out; zero stays (nobody is in the cell).
  Secondary suppression: in every declared identity, a withheld cell must not be recoverable by subtraction. While
  a group has exactly one withheld cell, or its withheld parts add up to a small count beside a published total,
  the smallest published part (non-zero first, then the model's order; the total last) is withheld too. Each pass is
  one set-based select over the aggregate; the passes repeat a fixed number of times (var disclosure_passes, 32;
  deterministic), and the model fails to build if a recoverable cell is left after the last.
-#}

{% macro is_small_count(count_expression) -%}
    ({{ count_expression }} between 1 and {{ var('min_cell_count') | int }} - 1)
{%- endmacro %}


{% macro disclosure_declaration() %}
    {#- The model's node in the manifest. A unit test sees no graph: it passes the same mapping as the var
        disclosure_under_test, a YAML alias of the model's (overrides: {vars: {disclosure_under_test: *<anchor>}}),
        so the declaration is still written once. -#}
    {%- set node = (graph.get('nodes') or {}).get(model.unique_id) -%}
    {%- if node -%}
        {%- set declared = ((node.get('config') or {}).get('meta') or {}).get('disclosure') or {} -%}
    {%- else -%}
        {%- set declared = var('disclosure_under_test', {}) -%}
    {%- endif -%}
    {%- if not declared.get('publishable') -%}
        {{ exceptions.raise_compiler_error(model.name ~ ": suppressing small cells needs config.meta.disclosure "
                                           ~ "with publishable: true in the model's yml") }}
    {%- endif -%}
    {{ return(declared) }}
{% endmacro %}


{#- The suppression units of a declaration: name -> the count expressions that are withheld together. -#}
{% macro disclosure_units(declared) %}
    {%- set complements = declared.get('complements') or {} -%}
    {%- set units = {} -%}
    {%- if declared.get('suppression', 'cell') == 'row' -%}
        {%- set figures = [] -%}
        {%- for column in declared['count_columns'] -%}
            {%- do figures.append(column) -%}
            {%- if column in complements -%}{%- do figures.append('(' ~ complements[column] ~ ' - ' ~ column ~ ')') -%}{%- endif -%}
        {%- endfor -%}
        {%- do units.update({'row': figures}) -%}
    {%- else -%}
        {%- for column in declared['count_columns'] -%}
            {%- set figures = [column] -%}
            {%- if column in complements -%}{%- do figures.append('(' ~ complements[column] ~ ' - ' ~ column ~ ')') -%}{%- endif -%}
            {%- do units.update({column: figures}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(units) }}
{% endmacro %}


{#-
  `relation` (a CTE of the model) with its counts suppressed as the model's declaration says. Row suppression adds
  `suppressed` and `suppression_reason` (small_cell, complementary) and withholds the derived columns too; cell
  suppression withholds each count on its own (NULL). `order_by`: columns that, with the counts, identify a row, so
  that the complement chosen is the same on every run. Each pass is one hash aggregate per declared total over the
  (small) aggregate table, so the cost does not depend on how many persons were counted.
-#}
{% macro suppress_small_cells(relation, order_by, passes=none) %}
    {#- The yml's config reaches the model only after parsing: the SQL is rendered for real when it executes. -#}
    {%- if not execute -%}{{ return('(select * from ' ~ relation ~ ')') }}{%- endif -%}
    {%- set declared = disclosure_declaration() -%}
    {%- set passes = passes or var('disclosure_passes', 32) | int -%}
    {%- set k = var('min_cell_count') | int -%}
    {%- set units = disclosure_units(declared) -%}
    {%- set totals = declared.get('totals') or [] -%}
    (
    with
    pass_0 as (
        select
            *,
            row_number() over (order by {{ order_by | join(', ') }}) as __row,
            {%- for unit, figures in units.items() %}
            ({%- for figure in figures %}coalesce({{ is_small_count(figure) }}, false){{ " or " if not loop.last }}{%- endfor %}) as __small_{{ unit }},
            __small_{{ unit }} as __suppressed_{{ unit }},
            {#- The complement of choice: the smallest non-zero count first (zero hides nothing), then the model's order. #}
            row_number() over (order by coalesce({{ figures[0] }}, 0) = 0, {{ figures[0] }}, {{ order_by | join(', ') }})
                as __rank_{{ unit }},
            {%- endfor %}
            {%- for total in totals %}
            coalesce({{ total['members'] }}, false) as __members_{{ loop.index }},
            coalesce({{ total['total'] }}, false) as __total_{{ loop.index }},
            {%- endfor %}
        from {{ relation }}
    ),
    {%- for pass in range(1, passes + 2) %}
    {%- for unit, figures in units.items() %}
    {#- In every group of every total where the withheld cells can be recovered, the cell to withhold next. #}
    marks_{{ pass }}_{{ loop.index }} as (
        {%- for total in totals %}{%- set t = loop.index %}
        select {{ min_by('__row', '__rank_' ~ unit ~ ' + case when __total_' ~ t ~ ' then 1e12 else 0 end') }}
            filter (where not __suppressed_{{ unit }}) as __row
        from pass_{{ pass - 1 }}
        where __members_{{ t }}
        group by {{ total['by'] | join(', ') }}
        having count(*) filter (where __suppressed_{{ unit }}) = 1
            or (not coalesce(bool_or(__suppressed_{{ unit }} and __total_{{ t }}), false) and (
                {%- for figure in figures %}
                coalesce(sum({{ figure }}) filter (where __suppressed_{{ unit }} and not __total_{{ t }})
                    between 1 and {{ k - 1 }}, false){{ " or " if not loop.last }}
                {%- endfor %}))
        union all
        {%- endfor %}
        select null::bigint as __row where false
    ),
    {%- endfor %}
    {%- if pass <= passes %}
    pass_{{ pass }} as (
        select * replace (
            {%- for unit in units %}
            __suppressed_{{ unit }} or __row in (select __row from marks_{{ pass }}_{{ loop.index }} where __row is not null)
                as __suppressed_{{ unit }}{{ "," if not loop.last }}
            {%- endfor %})
        from pass_{{ pass - 1 }}
    ),
    {%- endif %}
    {%- endfor %}
    {#- A cell still recoverable after the last pass fails the build rather than reach a reader. #}
    unprotected as (
        {%- for unit in units %}
        select __row from marks_{{ passes + 1 }}_{{ loop.index }} where __row is not null{{ " union all" if not loop.last }}
        {%- endfor %}
    ),
    final as (
        select
            * exclude (__row,
                {%- for unit in units %} __small_{{ unit }}, __suppressed_{{ unit }}, __rank_{{ unit }},{% endfor %}
                {%- for total in totals %} __members_{{ loop.index }}, __total_{{ loop.index }},{% endfor %})
            {%- if declared.get('suppression', 'cell') == 'row' %}
            replace (
                {%- for column in declared['count_columns'] + (declared.get('derived_columns') or []) %}
                case when not __suppressed_row then {{ column }} end as {{ column }}{{ "," if not loop.last }}
                {%- endfor %}),
            __suppressed_row as suppressed,
            case when __small_row then 'small_cell' when __suppressed_row then 'complementary' end as suppression_reason
            {%- else %}
            replace (
                {%- for column in declared['count_columns'] %}
                case when not __suppressed_{{ column }} then {{ column }} end as {{ column }}{{ "," if not loop.last }}
                {%- endfor %})
            {%- endif %}
        from pass_{{ passes }}
        where case
            when exists (select 1 from unprotected)
                then error('{{ model.name }}: ' || (select count(*) from unprotected) || ' cells can still be recovered '
                           || 'from a total after {{ passes }} passes of secondary suppression: raise the var '
                           || 'disclosure_passes (macros/disclosure.sql)')
            else true
        end
    )
    select * from final
    )
{% endmacro %}

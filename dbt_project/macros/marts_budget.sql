{#-
  How budget_reallocation splits an amount among the government levels that pay it, at the shares
  `<prefix>central_share`, `<prefix>province_share`, `<prefix>regency_share` of the row. Why a macro: three amounts
  (current cost, cost of exclusion errors, savings) are split, each by its own scheme, with one rounding rule.
-#}

{#- The part of an amount one government level pays at the shares `<prefix><level>_share`, rounded to the rupiah;
    the regency part takes the rounding, so that the three parts sum to the amount exactly. -#}
{% macro financing_part(amount, prefix, level) -%}
    {%- if level == 'regency' -%}
    ({{ amount }} - {{ financing_part(amount, prefix, 'central') }} - {{ financing_part(amount, prefix, 'province') }})
    {%- else -%}
    cast(round({{ amount }} * {{ prefix }}{{ level }}_share) as bigint)
    {%- endif -%}
{%- endmacro %}


{% macro financing_parts(amount, prefix, measure) -%}
    {%- for level in ['central', 'province', 'regency'] %}
        {{ financing_part(amount, prefix, level) }} as {{ measure }}_{{ level }}_idr{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

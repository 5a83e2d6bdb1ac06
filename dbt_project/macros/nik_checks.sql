{#-
  The one NIK rule: what a NIK `PP RR SS DDMMYY XXXX` says and whether it is structurally valid. A query over
  `records` (a CTE or relation with a `nik`, a `birth_date` and the record's `province_code`) that returns every
  column of it plus:

  - nik_is_16_digits, nik_sex_from_day (days 01-31 men, 41-71 women), nik_date (DDMMYY with 40 taken from women's
    day; the century is not in the NIK, so it is the one nearest the recorded birth year, else the latest year not
    after var as_of_date);
  - nik_district_is_known: the first six digits are a district of the national reference (ref_national_regions,
    every province, including earlier codes NIKs still carry), not only of the provinces this warehouse serves,
    because a NIK records the district of first registration and a migrant's lies elsewhere. The districts of
    ref_regions count too: the supported provinces' districts are synthetic today and 56 of their 329 codes are
    not real ones; once the generator nests its districts in real codes this branch adds nothing;
  - nik_valid: 16 digits, a known district, a real date and a serial other than 0000;
  - nik_registered_outside_province: a valid NIK whose province is not the record's province. A fact to report
    (the person moved, or registered elsewhere), never a reason to distrust the NIK.

  One macro so that int_persons and any later reader apply the same rule; the join is to a seed of about 7,400
  districts, cheap beside millions of records.
-#}
{% macro nik_checks(records) -%}
    select
        nik_known.*,
        case when nik_known.nik_valid then left(nik_known.nik, 2) <> nik_known.province_code end
            as nik_registered_outside_province
    from (
        select
            nik_dated.*,
            known_districts.district_code is not null as nik_district_is_known,
            nik_dated.nik_is_16_digits
                and known_districts.district_code is not null
                and nik_dated.nik_date is not null
                and right(nik_dated.nik, 4) <> '0000' as nik_valid
        from (
            select
                nik_parsed.*,
                case
                    when nik_is_16_digits and nik_sex_from_day is not null
                        {%- set text = dbt.type_string() %}
                        then {{ try_parse_date(
                            "lpad(cast(nik_day as " ~ text ~ "), 2, '0') || nik_month_field"
                            ~ " || cast(nik_birth_year as " ~ text ~ ")",
                            '%d%m%Y') }}
                end as nik_date
            from (
                select
                    nik_fields.*,
                    case
                        when nik_day_field between 41 and 71 then 'female'
                        when nik_day_field between 1 and 31 then 'male'
                    end as nik_sex_from_day,
                    case when nik_day_field > 40 then nik_day_field - 40 else nik_day_field end as nik_day,
                    case
                        when nik_two_digit_year is null then null
                        when birth_date is not null
                            then case
                                when abs(2000 + nik_two_digit_year - year(birth_date))
                                    <= abs(1900 + nik_two_digit_year - year(birth_date))
                                    then 2000 + nik_two_digit_year
                                else 1900 + nik_two_digit_year
                            end
                        when 2000 + nik_two_digit_year <= year(date '{{ var("as_of_date") }}')
                            then 2000 + nik_two_digit_year
                        else 1900 + nik_two_digit_year
                    end as nik_birth_year
                from (
                    select
                        {{ records }}.*,
                        coalesce({{ regex_full_match('nik', '[0-9]{16}') }}, false) as nik_is_16_digits,
                        try_cast(substr(nik, 7, 2) as integer) as nik_day_field,
                        substr(nik, 9, 2) as nik_month_field,
                        try_cast(substr(nik, 11, 2) as integer) as nik_two_digit_year
                    from {{ records }}
                ) as nik_fields
            ) as nik_parsed
        ) as nik_dated
        left join (
            select region_code as district_code
            from {{ ref('ref_national_regions') }}
            where level = 'district'
            union
            select region_code as district_code
            from {{ ref('ref_regions') }}
            where level = 'district'
        ) as known_districts
            on left(nik_dated.nik, 6) = known_districts.district_code
    ) as nik_known
{%- endmacro %}

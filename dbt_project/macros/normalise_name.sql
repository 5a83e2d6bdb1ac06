{#-
    Indonesian personal names in one comparable form: the ONE implementation used wherever names are compared
    (int_persons, the linkage, `sepakat link`). It is plain Jinja emitting a DuckDB expression and uses no dbt
    context, so Python renders the very same file with jinja2 (see tests/dbt/test_dbt_normalise_name.py).

    Steps, in order (each is cheap, vectorised SQL; no UDF):
      1. upper case, accents stripped (strip_accents);
      2. a leading title glued to the name ("H.MUHAMMAD") is split off;
      3. tokens (split on spaces and commas) that are titles or degrees, written with or without dots, are
         dropped: H., Hj., Drs., Dra., Dr./dr., Ir., Prof., K.H., S.Pd, S.H., S.E., S.Kom, M.Si, A.Md, ...;
      4. apostrophes are dropped (MA'RUF = MARUF), every other non-letter becomes a space, runs of spaces
         become one and the ends are trimmed;
      5. Dutch-era spellings fold into the current ones: OE→U, PH→F, TH→T;
      6. J and Y are folded together, then the old digraphs follow: every J becomes Y, DY becomes Y and TY
         becomes C, and last CH becomes KH. Old (pre-1972) spelling wrote "j" for today's "y" (Johanes,
         Jusuf), "dj" for today's "j" (Djami) and "tj" for today's "c" (Tjandra); a record cannot say which
         spelling it used ("Aditja" is Aditya, "Dedj" is Dedy), so J/Y, DJ/J/DY/Y and TJ/C/TY must all compare
         equal: Yohanes = Johanes, Djami = Jami (YAMI), Tjandra = Candra, Aditja = Aditya (ADICA), and SJ→SY,
         NJ→NY fall out of it. DY→Y runs twice so a doubled D (Raddja) folds too; CH→KH runs after TY→C so
         Tjhristian = Christian = Khristian. The cost is that names differing only there compare equal
         (Dedy = Dey), which the linkage's other fields settle.
    A name with no letters left is NULL. Initials are kept as one-letter tokens ("Y TEFA"), but a lone "H" is
    taken as the title Haji and dropped.
-#}
{% macro normalise_name(column) -%}
{%- set titles = [
    'H', 'HJ', 'HJH', 'HAJI', 'HAJJAH', 'KH', 'DRS', 'DRA', 'DR', 'IR', 'PROF', 'NY', 'TN', 'SDR', 'SDRI',
    'SPD', 'SPDI', 'SPDSD', 'SPDK', 'SH', 'SHI', 'SE', 'SEI', 'SKOM', 'SSOS', 'ST', 'SIP', 'SAG', 'SKEP',
    'SKM', 'SFARM', 'SSI', 'STH', 'SPAK', 'SPSI', 'SKED', 'SGZ', 'SAB', 'SS', 'SP', 'SPT', 'SHUT', 'STP',
    'SKG', 'SKEB', 'SST', 'STR', 'SIKOM', 'SSN', 'SSTP', 'SKEL', 'SMAT',
    'AMD', 'AMDKEB', 'AMDKEP', 'AMK', 'AMKEB', 'AMKEP', 'AMA', 'AMAPD', 'AMAPK', 'AMG', 'AMF',
    'MSI', 'MPD', 'MM', 'MKES', 'MHUM', 'MT', 'MAG', 'MH', 'MKN', 'MSC', 'MTH', 'MPH', 'MKOM', 'MSE', 'MAP',
    'MPA', 'MBA', 'MEC', 'MIKOM', 'MPDI', 'PHD', 'BSC', 'SPOG', 'SPA', 'SPB', 'SPPD', 'MKEP', 'MKM'
] -%}
nullif(trim(
    replace(replace(replace(replace(replace(replace(replace(replace(
        regexp_replace(
            regexp_replace(
                array_to_string(
                    list_filter(
                        string_split(
                            replace(
                                regexp_replace(
                                    upper(strip_accents(cast({{ column }} as varchar))),
                                    '^(H|HJ|DRS|DRA|DR|IR|PROF)\.([A-Z])', '\1. \2'
                                ),
                                ',', ' '
                            ),
                            ' '
                        ),
                        lambda name_token: replace(name_token, '.', '') not in ('{{ titles | join("', '") }}')
                    ),
                    ' '
                ),
                '[''`]', '', 'g'
            ),
            '[^A-Z]+', ' ', 'g'
        ),
    'OE', 'U'), 'PH', 'F'), 'TH', 'T'), 'J', 'Y'), 'DY', 'Y'), 'DY', 'Y'), 'TY', 'C'), 'CH', 'KH')
), '')
{%- endmacro %}

{#-
  Pseudonymous keys: HMAC-SHA256 (RFC 2104) in DuckDB SQL, with the secret from the environment variable named by
  the var pseudonym_key_env_var (SEPAKAT_PSEUDONYM_KEY). A plain hash of a NIK can be brute-forced (the space is
  small and structured); a keyed HMAC cannot without the key.

    HMAC(K, m) = sha256((K' xor opad) || sha256((K' xor ipad) || m))

  K' is the key's UTF-8 bytes (hashed first when longer than the 64-byte SHA-256 block), padded with zero bytes to
  64; ipad and opad are 64 bytes of 0x36 and 0x5c. Both pads are constant expressions, which DuckDB folds once
  per query, so each row costs two SHA-256 calls. Output: 64 lowercase hex digits, as Python's
  hmac.new(key, message, 'sha256').hexdigest() (tests/defs/marts/test_pseudonymise.py checks that).

  The key is never written into SQL: it reaches DuckDB as the session variable named like the environment variable
  in lower case (sepakat_pseudonym_key), set with a bound parameter on every cursor dbt opens by the dbt-duckdb
  plugin sepakat_dagster/defs/dbt/pseudonym_key.py (named in profiles.yml). The compiled SQL, dbt's logs and
  run_results.json hold `getvariable('sepakat_pseudonym_key')`, never the key; DuckDB folds it once per query.
  The macro reads the environment variable only when a model compiles (`execute`), to check it: dbt keeps the
  value of every env_var() read while parsing in its partial-parse state. The key never falls back to a constant:
  without it, or with one shorter than pseudonym_key_min_length, the model fails with a message saying what to set.
-#}

{#- The SQL expression of the key, read from DuckDB's session, after checking that the environment holds one. -#}
{% macro pseudonym_key() -%}
    {%- set name = var('pseudonym_key_env_var') -%}
    {%- set minimum = var('pseudonym_key_min_length') | int -%}
    {%- if execute -%}
        {%- set length = env_var(name, '') | length -%}
        {%- if length == 0 -%}
            {{ exceptions.raise_compiler_error(
                name ~ " is not set: the marts pseudonymise person keys with HMAC-SHA256 and a secret key from the "
                ~ "environment. Set " ~ name ~ " to a random secret of at least " ~ minimum
                ~ " characters (`make demo` creates one in data/.pseudonym_key); there is no default key.") }}
        {%- elif length < minimum -%}
            {{ exceptions.raise_compiler_error(
                name ~ " is too short: a pseudonym key needs at least " ~ minimum
                ~ " characters to resist guessing.") }}
        {%- endif -%}
    {%- endif -%}
    getvariable('{{ name | lower }}')
{%- endmacro %}


{% macro hmac_key_pad(pad_byte_hex) -%}
    {#- 64 bytes: the key (hashed when longer than a block), zero-padded, xor the repeated pad byte. -#}
    {%- set key_bytes = "encode(" ~ pseudonym_key() ~ ")" -%}
    {%- set block_key = "(case when octet_length(" ~ key_bytes ~ ") > 64 then unhex(sha256(" ~ key_bytes ~ ")) else "
        ~ key_bytes ~ " end)" -%}
    xor(
        ({{ block_key }} || repeat(unhex('00'), 64 - octet_length({{ block_key }})))::bit,
        repeat(unhex('{{ pad_byte_hex }}'), 64)::bit
    )::blob
{%- endmacro %}


{% macro pseudonymise(expression) -%}
    {#- HMAC-SHA256 of a text expression (NULL stays NULL), as 64 lowercase hex digits. -#}
    sha256(
        {{ hmac_key_pad('5c') }}
        || unhex(sha256({{ hmac_key_pad('36') }} || encode(cast({{ expression }} as {{ dbt.type_string() }}))))
    )
{%- endmacro %}

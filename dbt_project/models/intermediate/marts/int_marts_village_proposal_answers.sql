-- The answer every village proposal (Musdes/Muskel, SID) gets back: accepted, rejected or awaiting_verification,
-- with a reason and what happened, in Bahasa Indonesia and English (docs/villages.md). One row per delivered record:
-- the proposals staging holds and the records the loader quarantined (answered "unreadable", naming the field), so
-- that every record a village sent gets exactly one answer. What decides the answer is seeds/villages/
-- proposal_answer_rules.csv; this model only establishes the facts the rules read: the technical status
-- (int_registry_corrections), duplicates, whether DTKS lists the household and where the reference ranking puts
-- it. Proposals are few (thousands); the joins to persons, families and programme units are semi-joins on the
-- matched few, one set-based pass over the province's tables. No NIK, name or remark leaves this model.
with

proposals as (
    select
        proposal_id, nik, correction_type, correction_feed, event_on, forum_on, destination_village_code,
        village_code, district_code, regency_code, province_code, source_file, source_line
    from {{ ref('stg_musdes__corrections') }}
),

duplicates as (
    -- A later proposal asking the same change (type, event date, destination) for the same NIK as an earlier one.
    select proposal_id
    from proposals
    where nik is not null
    qualify row_number() over (
        partition by nik, correction_type, event_on, destination_village_code order by forum_on, proposal_id) > 1
),

matches as (
    -- Per proposal: applied when any matched record takes the change; otherwise its records share one status
    -- (already_reflected when matched, else the one unmatched row's).
    select
        corrections.proposal_id,
        case when bool_or(corrections.status = 'applied') then 'applied' else any_value(corrections.status) end
            as technical_status,
        coalesce(bool_or(corrections.registry = 'dtks'), false) as matched_dtks,
        min(clusters.person_id) as person_id
    from {{ ref('int_registry_corrections') }} as corrections
    left join {{ source('linkage', 'person_clusters') }} as clusters
        on corrections.person_record_key = clusters.person_record_key
    group by corrections.proposal_id
),

persons as (
    select person_id, family_key
    from {{ ref('int_marts_persons') }}
    where person_id in (select person_id from matches)
),

reference_ranking as (
    select ranking from {{ ref('welfare_rankings') }} where is_reference
),

widest_band as (
    -- The highest decile any programme ranked by the reference ranking reaches.
    select max(rules.max_decile) as max_decile
    from {{ ref('int_marts_program_rules') }} as rules
    inner join reference_ranking on rules.ranking = reference_ranking.ranking
),

families as (
    select
        families.family_key,
        families.in_dtks,
        {{ decile_under_ranking('reference_ranking.ranking', 'families') }} as reference_decile
    from {{ ref('int_marts_families') }} as families
    cross join reference_ranking
    where families.family_key in (select family_key from persons)
),

candidate_programmes as (
    -- The programmes whose targeting list holds the household (any member, at programme level).
    select family_key, string_agg(distinct program, ',' order by program) as programmes
    from {{ ref('int_marts_program_units') }}
    where eligible and component = 'all' and family_key in (select family_key from persons)
    group by family_key
),

delivered as (
    select
        proposals.source_file || ':' || proposals.source_line as answer_key,
        proposals.proposal_id,
        false as quarantined,
        cast(null as {{ dbt.type_string() }}) as invalid_fields,
        proposals.correction_type,
        proposals.correction_feed,
        proposals.event_on,
        proposals.forum_on,
        proposals.village_code,
        proposals.district_code,
        proposals.regency_code,
        proposals.province_code,
        case when duplicates.proposal_id is not null then 'duplicate' else matches.technical_status end
            as technical_status,
        coalesce(families.in_dtks, matches.matched_dtks) as in_dtks,
        case
            when families.family_key is null then null
            when families.reference_decile is null then 'not_ranked'
            when families.reference_decile <= widest_band.max_decile then 'within_band'
            else 'above_band'
        end as ranking_position,
        candidate_programmes.programmes,
        proposals.source_file,
        proposals.source_line
    from proposals
    inner join matches on proposals.proposal_id = matches.proposal_id
    left join duplicates on proposals.proposal_id = duplicates.proposal_id
    left join persons on matches.person_id = persons.person_id
    left join families on persons.family_key = families.family_key
    left join candidate_programmes on persons.family_key = candidate_programmes.family_key
    cross join widest_band
),

quarantined_records as (
    -- The loader keeps one row per failed field of a record; the record as delivered is read here only for its
    -- proposal id, type, forum date and village, which are not personal.
    select
        file_name as source_file,
        line_no as source_line,
        string_agg(distinct coalesce(field, 'record'), ', ' order by coalesce(field, 'record')) as invalid_fields,
        any_value(raw_line) as raw_line
    from {{ source('audit', 'quarantine') }}
    where source = 'musdes_usulan'
    group by file_name, line_no
),

quarantined_fields as (
    select
        source_file,
        source_line,
        invalid_fields,
        case when {{ json_is_valid('raw_line') }} then {{ json_text('raw_line', '$.id_usulan') }} end as proposal_id,
        case when {{ json_is_valid('raw_line') }} then {{ json_text('raw_line', '$.jenis_usulan') }} end as delivered_type,
        case when {{ json_is_valid('raw_line') }} then {{ json_text('raw_line', '$.sumber') }} end as delivered_feed,
        case when {{ json_is_valid('raw_line') }} then try_cast({{ json_text('raw_line', '$.tanggal_musdes') }} as date) end
            as forum_on,
        case when {{ json_is_valid('raw_line') }} then {{ json_text('raw_line', '$.kode_desa') }} end as delivered_village
    from quarantined_records
),

quarantined as (
    select
        'quarantine:' || quarantined_fields.source_file || ':' || quarantined_fields.source_line as answer_key,
        quarantined_fields.proposal_id,
        true as quarantined,
        quarantined_fields.invalid_fields,
        coalesce(types.correction_type, 'unknown') as correction_type,
        feeds.correction_feed,
        cast(null as date) as event_on,
        quarantined_fields.forum_on,
        villages.region_code as village_code,
        villages.district_code,
        coalesce(villages.regency_code, regencies.region_code) as regency_code,
        coalesce(villages.province_code, regencies.province_code) as province_code,
        'unreadable' as technical_status,
        cast(null as boolean) as in_dtks,
        cast(null as {{ dbt.type_string() }}) as ranking_position,
        cast(null as {{ dbt.type_string() }}) as programmes,
        quarantined_fields.source_file,
        quarantined_fields.source_line
    from quarantined_fields
    left join {{ ref('codebook_correction_type') }} as types
        on types.registry = 'musdes' and quarantined_fields.delivered_type = types.source_value
    left join {{ ref('codebook_correction_feed') }} as feeds
        on feeds.registry = 'musdes' and quarantined_fields.delivered_feed = feeds.source_value
    -- A village code the loader rejected names no village: the answer is kept, for the regency when its prefix is one.
    left join {{ ref('ref_regions') }} as villages
        on villages.level = 'village' and quarantined_fields.delivered_village = villages.region_code
    left join {{ ref('ref_regions') }} as regencies
        on regencies.level = 'regency' and left(quarantined_fields.delivered_village, 4) = regencies.region_code
),

facts as (
    select * from delivered
    union all
    select * from quarantined
),

ruled as (
    -- The first rule (lowest rule_order) that matches; '*' matches anything, a NULL fact only '*'.
    select facts.*, rules.rule_order, rules.answer, rules.reason_code
    from facts
    inner join {{ ref('proposal_answer_rules') }} as rules
        on rules.correction_type in ('*', facts.correction_type)
        and rules.technical_status in ('*', facts.technical_status)
        and rules.in_dtks in ('*', cast(facts.in_dtks as {{ dbt.type_string() }}))
        and rules.ranking_position in ('*', facts.ranking_position)
    qualify row_number() over (partition by facts.answer_key order by rules.rule_order) = 1
),

final as (
    select
        ruled.answer_key,
        ruled.proposal_id,
        ruled.quarantined,
        ruled.correction_type,
        ruled.correction_feed,
        ruled.event_on,
        ruled.forum_on,
        ruled.village_code,
        ruled.district_code,
        ruled.regency_code,
        ruled.province_code,
        ruled.technical_status,
        ruled.in_dtks,
        ruled.ranking_position,
        ruled.rule_order,
        ruled.answer,
        ruled.reason_code,
        reasons.reason_id,
        reasons.reason_en,
        ruled.invalid_fields,
        reasons.outcome_id,
        reasons.outcome_en,
        case when reasons.names_programmes then ruled.programmes end as programmes,
        ruled.source_file,
        ruled.source_line
    from ruled
    inner join {{ ref('proposal_answer_reasons') }} as reasons on ruled.reason_code = reasons.reason_code
)

select * from final

"""The national pass's assets (group `national`): the NIK index, cross-province scoring and persons, the
targeting flags, the roll-ups with their blocking reconciliation, the evaluation, its publication, and the flags
delivered back to each province's landing folder once published.

Every step writes the national candidate warehouse (`national_warehouse`, a `Warehouse` like a province's), the
published province warehouses attached read-only; `national/publish` swaps the candidate in only when every
step succeeded and every blocking check passed. Metadata carries counts, provinces and seconds: never a NIK or a
name.
"""

from datetime import UTC, datetime

import dagster as dg

from sepakat_dagster import duckdb_limits
from sepakat_dagster.defs.linkage.resources import PersonModel
from sepakat_dagster.defs.metadata import markdown_table
from sepakat_dagster.defs.national import cluster, deliveries, evaluate, nik_index, predict, rollups, targeting
from sepakat_dagster.defs.national.inputs import ProvinceWarehouses, attached
from sepakat_dagster.defs.publish.assets import PUBLISH_KEY as PROVINCE_PUBLISH_KEY
from sepakat_dagster.defs.resources import Warehouse
from sepakat_dagster.resource_usage import measure

GROUP = "national"
COMMON = {"group_name": GROUP, "kinds": {"duckdb"}, "pool": "duckdb", "owners": ["team:sepakat-data"]}

PERSON_RECORDS_KEY = dg.AssetKey(["national", "person_records"])
NIK_INDEX_KEY = dg.AssetKey(["national", "nik_index"])
SCORED_PAIRS_KEY = dg.AssetKey(["national", "scored_pairs"])
PERSON_KEYS_KEY = dg.AssetKey(["national", "person_keys"])
TARGETING_FLAGS_KEY = dg.AssetKey(["national", "targeting_flags"])
ROLLUPS_KEY = dg.AssetKey(["national", "rollups"])
EVALUATION_KEY = dg.AssetKey(["national", "evaluation"])
PUBLISH_KEY = dg.AssetKey(["national", "publish"])
FLAG_DELIVERIES_KEY = dg.AssetKey(["national", "flag_deliveries"])


SINKS = [TARGETING_FLAGS_KEY, ROLLUPS_KEY, EVALUATION_KEY]


def _provinces(provinces: ProvinceWarehouses) -> dict:
    published = provinces.published()
    if not published:
        raise FileNotFoundError(f"No published province warehouse matches {provinces.template}: refresh a province "
                                "first")
    return published


def national_assets() -> tuple[list[dg.AssetsDefinition], list[dg.AssetChecksDefinition]]:
    """The pass's assets and checks, made when asked for: the code location's `national` definitions
    (definitions.py) and the tests' own runs build them, each with its resources; the pass runs as its own job,
    after the provinces, never inside a province refresh."""

    @dg.asset(key=PERSON_RECORDS_KEY, deps=[PROVINCE_PUBLISH_KEY],
              description="Every published province's person records with their province "
              "person (national.person_records), read through read-only ATTACH.", **COMMON)
    def person_records(context: dg.AssetExecutionContext, national_warehouse: Warehouse,
                       provinces: ProvinceWarehouses) -> dg.MaterializeResult:
        published = _provinces(provinces)
        outdated = provinces.outdated()
        for code, missing in sorted(outdated.items()):
            context.log.warning(f"Province {code} left out: its published warehouse predates this release "
                                f"(no {', '.join(missing)}); its next refresh brings it in")
        with measure() as usage, national_warehouse.get_connection() as con, attached(con, published) as catalogs:
            rows = nik_index.copy_records(con, catalogs)
            by_province = con.execute(f"""
                select province_code, count(*) as records, count(distinct person_id) as persons
                from {nik_index.PERSON_RECORDS} group by 1 order by 1
            """).fetchall()
        context.log.info(f"{rows:,} records of {len(published)} provinces")
        return dg.MaterializeResult(metadata={
            "dagster/row_count": rows, **usage.metadata(rows), "provinces_read": len(published),
            "provinces": ", ".join(sorted(published)),
            "provinces_left_out_until_refreshed": ", ".join(sorted(outdated)) or "none",
            "by_province": dg.MetadataValue.md(markdown_table(
                [{"province": p, "records": r, "persons": n} for p, r, n in by_province], measures=True)),
        })


    @dg.asset(key=NIK_INDEX_KEY, deps=[PERSON_RECORDS_KEY], description="Every valid NIK with the provinces and "
              "province persons it appears under (national.nik_index); cross-province NIK pairs and conflicts "
              "(one NIK, different people).", **COMMON)
    def nik_index_asset(context: dg.AssetExecutionContext, national_warehouse: Warehouse) -> dg.MaterializeResult:
        with measure() as usage, national_warehouse.get_connection() as con:
            counts = nik_index.build(con)
        if counts["niks_in_conflict"]:
            context.log.warning(f"{counts['niks_in_conflict']:,} NIKs are used by different people in different "
                                "provinces: queued for review in national.review_queue")
        return dg.MaterializeResult(metadata={"dagster/row_count": counts["valid_niks"], **usage.metadata(), **counts})


    @dg.asset(key=SCORED_PAIRS_KEY, deps=[NIK_INDEX_KEY], kinds={"duckdb", "splink"},
              description="Cross-province pairs of province persons the NIK cannot place, scored with the committed "
              "person model without its location comparison (national.scored_pairs).",
              **{k: v for k, v in COMMON.items() if k != "kinds"})
    def scored_pairs(context: dg.AssetExecutionContext, national_warehouse: Warehouse,
                     person_model: PersonModel) -> dg.MaterializeResult:
        model = person_model.load()
        with measure() as usage:
            result = predict.score(national_warehouse.path, model)
        context.log.info(f"{result.comparisons:,} cross-province comparisons for {result.unresolved_records:,} "
                         f"unresolved records with model {model.card.label}")
        return dg.MaterializeResult(metadata={
            "dagster/row_count": result.person_pairs, **usage.metadata(result.comparisons), "model": model.card.label,
            "national_records": result.national_records, "unresolved_records": result.unresolved_records,
            "candidate_records": result.candidate_records, "comparisons": result.comparisons,
        })


    @dg.asset(key=PERSON_KEYS_KEY, deps=[SCORED_PAIRS_KEY], description="The national person key of every province "
              "person (national.person_keys), the cross-province links and how each was found "
              "(national.cross_province_links: nik or probabilistic, with the match weight), and the review queue.",
              **COMMON)
    def person_keys(context: dg.AssetExecutionContext, national_warehouse: Warehouse) -> dg.MaterializeResult:
        with measure() as usage, national_warehouse.get_connection() as con:
            counts = cluster.link(con)
        context.log.info(f"{counts['persons_in_several_provinces']:,} persons found in several provinces")
        return dg.MaterializeResult(metadata={
            "dagster/row_count": counts["province_persons"], **usage.metadata(counts["province_persons"]), **counts})


    @dg.asset_check(asset=PERSON_KEYS_KEY, name="persons_conserved", blocking=True, description="Every province person "
                    "has exactly one national person key: none lost, duplicated or invented.")
    def persons_conserved(national_warehouse: Warehouse) -> dg.AssetCheckResult:
        with national_warehouse.get_connection() as con:
            persons, keyed, distinct = con.execute(f"""
                select
                    (select count(*) from (select distinct province_code, person_id from {nik_index.PERSON_RECORDS})),
                    (select count(*) from {cluster.PERSON_KEYS}),
                    (select count(*) from (select distinct province_code, person_id from {cluster.PERSON_KEYS}))
            """).fetchone()
        return dg.AssetCheckResult(passed=persons == keyed == distinct, metadata={
            "province_persons": persons, "keyed_rows": keyed, "distinct_keyed_persons": distinct})


    @dg.asset(key=TARGETING_FLAGS_KEY, deps=[PERSON_KEYS_KEY, PROVINCE_PUBLISH_KEY],
              description="Cross-province duplicates on the targeting "
              "lists: listed in the province of current residence, flagged as listed elsewhere in the others "
              "(national.targeting_flags, national.targeting_flag_counts).", **COMMON)
    def targeting_flags(national_warehouse: Warehouse, provinces: ProvinceWarehouses) -> dg.MaterializeResult:
        published = _provinces(provinces)
        with measure() as usage, national_warehouse.get_connection() as con, attached(con, published) as catalogs:
            counts = targeting.flag(con, catalogs)
            per_province = con.execute(f"select * from {targeting.FLAG_COUNTS}").fetchall()
        return dg.MaterializeResult(metadata={
            "dagster/row_count": sum(counts.values()), **usage.metadata(), **counts,
            "by_province": dg.MetadataValue.md(markdown_table(
                [{"province": p, "listed_here": listed, "flagged_listed_elsewhere": flagged,
                  "flagged_on_its_targeting_list": on_list}
                 for p, listed, flagged, on_list in per_province], measures=True)),
        })


    @dg.asset(key=ROLLUPS_KEY, deps=[PROVINCE_PUBLISH_KEY],
              description="National roll-ups of targeting errors, registry coverage, SPM indicators "
              "and budget reallocation (national.<mart>: a row per province and the nation), and their published "
              "versions with small cells suppressed (national.<mart>_published).", **COMMON)
    def rollups_asset(national_warehouse: Warehouse, provinces: ProvinceWarehouses) -> dg.MaterializeResult:
        published = _provinces(provinces)
        with measure() as usage, national_warehouse.get_connection() as con, attached(con, published) as catalogs:
            summary = rollups.build_all(con, catalogs)
        return dg.MaterializeResult(metadata={
            "dagster/row_count": sum(s["rows"] for s in summary.values()), **usage.metadata(),
            "provinces_read": len(published),
            "rollups": dg.MetadataValue.md(markdown_table(
                [{"mart": mart, **figures} for mart, figures in summary.items()], measures=True)),
        })


    @dg.asset_check(asset=ROLLUPS_KEY, name="totals_reconcile", blocking=True, description="Per roll-up, key and "
                    "measure, the national total equals the sum of the province totals; the national total is summed "
                    "from the provinces' regencies, so a province whose total disagrees with its regencies fails too.")
    def totals_reconcile(national_warehouse: Warehouse) -> dg.AssetCheckResult:
        with national_warehouse.get_connection() as con:
            broken = rollups.reconcile(con)
        rows = [{"mart": mart, "measure": measure, "keys_differing": count}
                for mart, measures in broken.items() for measure, count in measures.items()]
        return dg.AssetCheckResult(
            passed=not broken,
            description="national totals equal the sum of the provinces" if not broken else
            f"{len(rows)} measures do not reconcile: " + ", ".join(f"{r['mart']}.{r['measure']}" for r in rows)[:900],
            metadata={"measures_not_reconciled": len(rows), "detail": dg.MetadataValue.md(markdown_table(rows))},
        )


    @dg.asset_check(asset=ROLLUPS_KEY, name="small_cells_suppressed", blocking=True, description="No published "
                    "national roll-up shows a count from 1 to min_cell_count - 1, or lets one be recovered from a "
                    "total (the province marts' disclosure scan).")
    def small_cells_suppressed(national_warehouse: Warehouse) -> dg.AssetCheckResult:
        with national_warehouse.get_connection() as con:
            found = rollups.disclosure_violations(con)
        return dg.AssetCheckResult(passed=not found, metadata={"violations": len(found)},
                                   description="; ".join(found)[:900] or "every published cell is safe")


    @dg.asset(key=EVALUATION_KEY, deps=[PERSON_KEYS_KEY], description="Precision and recall of cross-province links, "
              "movers found whole and namesakes falsely linked, against the generator's ground truth (evaluation.*); "
              "without a ground truth the asset says so.", **COMMON)
    def evaluation(context: dg.AssetExecutionContext, national_warehouse: Warehouse,
                   provinces: ProvinceWarehouses) -> dg.MaterializeResult:
        truth = provinces.truth()
        if not truth:
            with national_warehouse.get_connection() as con:
                evaluate.drop(con)
            context.log.warning("No ground truth for the published provinces: nothing to evaluate the national pass "
                                "against")
            return dg.MaterializeResult(metadata={"ground_truth": "none", "dagster/row_count": 0})
        movers, namesakes = (provinces.national_truth_file(name) for name in ("movers.parquet", "namesakes.parquet"))
        with measure() as usage, national_warehouse.get_connection() as con:
            rows = evaluate.evaluate(con, truth, movers, namesakes)
        return dg.MaterializeResult(metadata={
            "dagster/row_count": len(rows), **usage.metadata(), "provinces_with_truth": len(truth),
            "cross_province_pairs": dg.MetadataValue.md(markdown_table(rows, measures=True)),
        })


    @dg.asset(key=PUBLISH_KEY, deps=SINKS, description="Swap the national candidate warehouse in once every step and "
              "blocking check passed; otherwise readers keep the last published national warehouse.", **COMMON)
    def publish(context: dg.AssetExecutionContext, national_warehouse: Warehouse) -> dg.MaterializeResult:
        with national_warehouse.get_connection() as con:
            con.execute("checkpoint")
        size = national_warehouse.path.stat().st_size
        moves = national_warehouse.publish()
        context.log.info(f"Published the national warehouse ({size / 2**20:,.0f} MiB)")
        return dg.MaterializeResult(metadata={
            "published_run": context.run.run_id, "warehouse_mib": round(size / 2**20, 1),
            "published": ", ".join(str(move.destination) for move in moves)})

    @dg.asset(key=FLAG_DELIVERIES_KEY, deps=[PUBLISH_KEY], description="Each province's targeting flags (its "
              "records of persons listed in another province) written to its landing folder as a delivery of "
              "national_targeting_flags, from the published national warehouse, only when they changed.", **COMMON)
    def flag_deliveries(context: dg.AssetExecutionContext, national_warehouse: Warehouse,
                        provinces: ProvinceWarehouses) -> dg.MaterializeResult:
        # Read from the published file (the run's candidate is gone once published), read-only: only what passed
        # every gate goes back to the provinces.
        today = datetime.now(UTC).date()
        with duckdb_limits.connect(national_warehouse.published, read_only=True) as con:
            done = [deliveries.deliver(con, code, provinces.landing(code), today)
                    for code in deliveries.provinces(con)]
        written = [d for d in done if d.outcome == deliveries.WRITTEN]
        unreachable = [d.province for d in done if d.outcome == deliveries.NO_LANDING]
        context.log.info(f"Targeting flags written for {len(written)} provinces; {len(done) - len(written)} unchanged "
                         "or without a landing folder")
        if unreachable:
            context.log.warning(f"No landing folder for provinces {', '.join(unreachable)}: their flags were not "
                                "delivered (docs/national.md)")
        return dg.MaterializeResult(metadata={
            "dagster/row_count": sum(d.rows for d in written), "provinces_written": len(written),
            "provinces_without_landing_folder": len(unreachable),
            "by_province": dg.MetadataValue.md(markdown_table(
                [{"province": d.province, "delivery": d.outcome, "flagged_records": d.rows, "file": d.file_name or ""}
                 for d in done], measures=True)),
        })

    return ([person_records, nik_index_asset, scored_pairs, person_keys, targeting_flags, rollups_asset, evaluation,
             publish, flag_deliveries], [persons_conserved, totals_reconcile, small_cells_suppressed])

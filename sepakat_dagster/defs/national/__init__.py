"""The national pass: after the provinces, a national NIK index across every published province warehouse, the
same person linked across provinces, the cross-province duplicates flagged for the targeting lists, and national
roll-ups that reconcile with the provinces, published to the national warehouse through write-audit-publish
(docs/national.md)."""

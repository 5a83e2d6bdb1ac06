"""Data Docs that work offline: great-expectations' pages with no request leaving file://.

great-expectations' stock page templates load Bootstrap, jQuery, Font Awesome, bootstrap-table and Vega from
CDNs, and its logo from a web bucket. A forum member who opens the Data Docs without a connection gets broken
pages, and every reader online leaks a request per asset. The site builder lets a site name its own view class
(`view: {module_name, class_name}` of a section builder and of the index builder), so the views here render with
our own templates (`templates/`) put ahead of the stock ones:

- the page and index layouts inline a small stylesheet and script of our own (`sepakat_data_docs.css`,
  `sepakat_data_docs.js`) instead of Bootstrap, jQuery and Font Awesome: the grid, cards, tables, collapsing
  details, tabs and the "failed only" filter are rewritten in a few lines of plain CSS and JavaScript;
- the index's tables of validations and suites are rendered on the server as plain HTML tables, with a filter box,
  sortable headers and clickable rows, instead of bootstrap-table's client-side build (its filter controls and
  date picker are dropped);
- a chart (`graph.j2`, the KL divergence's partition) is embedded with Vega from the vl-convert bundle, written
  once into the site's `static/sepakat/` (`install_assets`) and loaded only by a page that holds a chart.

Nothing third-party is copied into the repository: Vega is taken from the installed vl-convert package when the
site is built, and GE's own static files (its logo and favicon) are copied into the site by great-expectations.
"""

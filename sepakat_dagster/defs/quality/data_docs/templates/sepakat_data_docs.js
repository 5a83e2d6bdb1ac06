/* The Data Docs' behaviour without jQuery, Bootstrap or bootstrap-table: collapsing details and tabs (the
   `data-toggle` links great-expectations' templates emit), the "failed only" filter of a validation page, the
   filter box, sorting and clickable rows of the index's tables, and charts embedded with the site's own Vega. */
(function () {
  "use strict";

  function onClick(selector, handler) {
    document.addEventListener("click", function (event) {
      var element = event.target.closest(selector);
      if (element) { handler(element, event); }
    });
  }

  function target(link) {
    return document.getElementById((link.getAttribute("href") || "").replace(/^#/, ""));
  }

  onClick('[data-toggle="collapse"]', function (link, event) {
    event.preventDefault();
    var body = target(link);
    if (body) { link.setAttribute("aria-expanded", String(body.classList.toggle("show"))); }
  });

  onClick('[data-toggle="tab"]', function (link, event) {
    event.preventDefault();
    var pane = target(link);
    if (!pane) { return; }
    link.closest(".nav").querySelectorAll('[data-toggle="tab"]').forEach(function (other) {
      other.classList.toggle("active", other === link);
      other.setAttribute("aria-selected", String(other === link));
    });
    Array.prototype.forEach.call(pane.parentElement.children, function (other) {
      other.classList.toggle("active", other === pane);
      other.classList.toggle("show", other === pane);
    });
  });

  /* The stock filter hides, with jQuery, each succeeded expectation's row and each column section that only
     holds succeeded ones, with that section's entry in the table of contents. */
  function showFailedOnly(failedOnly) {
    document.querySelectorAll(".hide-succeeded-validation-target-child").forEach(function (child) {
      child.parentElement.hidden = failedOnly;
    });
    document.querySelectorAll(".hide-succeeded-validation-target").forEach(function (element) {
      element.hidden = failedOnly;
    });
    document.querySelectorAll(".hide-succeeded-validations-column-section-target-child").forEach(function (child) {
      var section = child.parentElement.parentElement;
      section.hidden = failedOnly;
      if (section.id) {
        document.querySelectorAll('a[href$="#' + section.id + '"]').forEach(function (link) {
          link.hidden = failedOnly;
        });
      }
    });
  }

  onClick("[data-validation-filter]", function (button) {
    button.parentElement.querySelectorAll("[data-validation-filter]").forEach(function (other) {
      other.classList.toggle("active", other === button);
      other.setAttribute("aria-pressed", String(other === button));
    });
    showFailedOnly(button.getAttribute("data-validation-filter") === "failed");
  });

  onClick("tr[data-href]", function (row, event) {
    if (!event.target.closest("a")) { window.location.href = row.getAttribute("data-href"); }
  });

  document.addEventListener("input", function (event) {
    var box = event.target.closest("[data-filter-table]");
    if (!box) { return; }
    var table = document.getElementById(box.getAttribute("data-filter-table"));
    var query = box.value.trim().toLowerCase();
    var shown = 0;
    table.tBodies[0].querySelectorAll("tr").forEach(function (row) {
      row.hidden = query !== "" && row.textContent.toLowerCase().indexOf(query) === -1;
      shown += row.hidden ? 0 : 1;
    });
    var count = document.querySelector('[data-count-for="' + table.id + '"]');
    if (count) { count.textContent = shown + " rows"; }
  });

  function sortValue(row, column) {
    var cell = row.cells[column];
    var value = cell.hasAttribute("data-sort-value") ? cell.getAttribute("data-sort-value") : cell.textContent.trim();
    var number = Number(value);
    return value !== "" && !isNaN(number) ? number : value.toLowerCase();
  }

  function sortBy(header) {
    var table = header.closest("table");
    var column = header.cellIndex;
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    header.parentElement.querySelectorAll("th").forEach(function (other) { other.setAttribute("aria-sort", "none"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    Array.prototype.slice.call(body.rows).sort(function (a, b) {
      var x = sortValue(a, column), y = sortValue(b, column);
      return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
    }).forEach(function (row) { body.appendChild(row); });
  }

  onClick("th[data-sortable]", sortBy);
  document.addEventListener("keydown", function (event) {
    var header = event.target.closest && event.target.closest("th[data-sortable]");
    if (header && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); sortBy(header); }
  });

  /* Vega (about 0.9 MB) is loaded only by a page that holds a chart, from the copy written into the site. */
  function embedCharts(charts) {
    charts.forEach(function (chart) {
      var spec = document.querySelector('[data-vega-spec-for="' + chart.id + '"]');
      window.vegaEmbed(chart, JSON.parse(spec.textContent), { actions: false, renderer: "svg" }).catch(function (error) {
        chart.textContent = "Chart could not be drawn: " + error.message;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var charts = document.querySelectorAll("[data-vega-chart]");
    if (!charts.length) { return; }
    var script = document.createElement("script");
    script.src = document.documentElement.getAttribute("data-vega-script");
    script.onload = function () { embedCharts(charts); };
    document.head.appendChild(script);
  });
})();

/* The dashboard's charts (ECharts, served locally). Each chart's fragment arrives through htmx
   with its figures as JSON (a <script type="application/json">, never executed) beside its
   summary and table; this file draws the chart from it and toggles the table view. No inline
   script or style: the CSP forbids both. */
(function () {
  "use strict";
  var charts = {};
  var PALETTE = ["#0b5cad", "#cf222e", "#1a7f37", "#9a6700", "#8250df", "#0a7b83", "#bc4c00", "#57606a"];

  function large() {
    return document.querySelector("main.projector") !== null;
  }

  function option(spec) {
    var font = large() ? 20 : 13;
    var text = { color: "#1f2328", fontSize: font };
    var horizontal = !!spec.horizontal;
    var cat = { type: "category", data: spec.categories, axisLabel: text };
    var val = { type: "value", axisLabel: text, minInterval: 1 };
    var series = (spec.series || []).map(function (s) {
      return { name: s.name, type: "bar", data: s.data, stack: spec.stack ? "all" : undefined,
               label: { show: !spec.stack, position: horizontal ? "right" : "top", fontSize: font } };
    });
    return {
      animation: false,
      color: PALETTE,
      textStyle: text,
      aria: { enabled: false }, // the container's aria-label is the summary; the table is the equivalent
      tooltip: { trigger: "axis", textStyle: { fontSize: font } },
      legend: series.length > 1 ? { top: 0, textStyle: text } : undefined,
      grid: { left: 8, right: 24, top: series.length > 1 ? 36 : 12, bottom: 8, containLabel: true },
      xAxis: horizontal ? val : cat,
      yAxis: horizontal ? Object.assign({}, cat, { inverse: true }) : val,
      series: series
    };
  }

  function draw(root) {
    if (typeof window.echarts === "undefined") return;
    root.querySelectorAll(".chart[data-spec]").forEach(function (el) {
      var data = document.getElementById(el.dataset.spec);
      if (!data) return;
      var spec = JSON.parse(data.textContent);
      var key = el.id;
      if (charts[key]) charts[key].dispose();
      var rows = (spec.categories || []).length;
      el.classList.toggle("tall", spec.horizontal && rows > 8);
      charts[key] = window.echarts.init(el, null, { renderer: "svg" });
      charts[key].setOption(option(spec));
    });
  }

  function toggle(button) {
    var wrap = document.getElementById(button.getAttribute("aria-controls"));
    if (!wrap) return;
    var open = button.getAttribute("aria-expanded") !== "true";
    wrap.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.textContent = open ? "收起表格" : "表格";
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".table-toggle");
    if (button) toggle(button);
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var body = event.detail.target;
    draw(body);
    // A table opened before its figures arrived stays open.
    var button = document.querySelector('.table-toggle[aria-controls="' + body.id.replace("body-", "tablewrap-") + '"]');
    var wrap = body.querySelector(".chart-table-wrap");
    if (button && wrap) wrap.hidden = button.getAttribute("aria-expanded") !== "true";
    body.closest(".chart-card").classList.add("loaded");
  });

  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
  });
})();

/* The map of open violations: ECharts (served locally) draws the points of the JSON beside it
   (a <script type="application/json">, never executed) in longitude/latitude with equal aspect,
   townships' names at their points' centre; a click opens the violation. No basemap, no tiles:
   the intranet reaches none. No inline script or style (the CSP forbids both). */
(function () {
  "use strict";
  var chart = null;

  function bounds(spec) {
    var xs = [], ys = [];
    spec.series.forEach(function (s) { s.data.forEach(function (p) { xs.push(p.value[0]); ys.push(p.value[1]); }); });
    if (!xs.length) return null;
    var pad = 0.02;
    return { x0: Math.min.apply(null, xs) - pad, x1: Math.max.apply(null, xs) + pad,
             y0: Math.min.apply(null, ys) - pad, y1: Math.max.apply(null, ys) + pad };
  }

  function draw() {
    var el = document.getElementById("violation-map");
    var data = document.getElementById("map-spec");
    if (!el || !data || typeof window.echarts === "undefined") return;
    var spec = JSON.parse(data.textContent);
    var b = bounds(spec);
    if (!b) { el.classList.add("empty"); return; }
    // Equal aspect at this latitude: a degree of longitude is cos(lat) of a degree of latitude.
    var midLat = (b.y0 + b.y1) / 2;
    var kx = Math.cos(midLat * Math.PI / 180);
    var w = el.clientWidth || 600, h = el.clientHeight || 560;
    var spanX = (b.x1 - b.x0) * kx, spanY = b.y1 - b.y0;
    var scale = Math.min(w / spanX, h / spanY);
    var cx = (b.x0 + b.x1) / 2, cy = (b.y0 + b.y1) / 2;
    var halfX = w / scale / kx / 2, halfY = h / scale / 2;
    var series = spec.series.map(function (s) {
      return { name: s.name, type: "scatter", symbolSize: 9, itemStyle: { color: s.color }, data: s.data,
               emphasis: { scale: 1.6 } };
    });
    series.push({ name: "乡镇", type: "scatter", symbolSize: 0, silent: true, data: spec.labels,
                  label: { show: true, formatter: "{b}", color: "#1f2328", fontSize: 12 }, tooltip: { show: false } });
    if (chart) chart.dispose();
    chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      aria: { enabled: false }, // the container's aria-label is the summary; the table is the equivalent
      tooltip: { trigger: "item", formatter: function (p) { return p.name; } },
      grid: { left: 0, right: 0, top: 0, bottom: 0 },
      xAxis: { type: "value", min: cx - halfX, max: cx + halfX, show: false },
      yAxis: { type: "value", min: cy - halfY, max: cy + halfY, show: false },
      series: series
    });
    chart.on("click", function (p) { if (p.data && p.data.url) window.location.href = p.data.url; });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("#map-table-toggle");
    if (!button) return;
    var wrap = document.getElementById(button.getAttribute("aria-controls"));
    var open = button.getAttribute("aria-expanded") !== "true";
    wrap.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.textContent = open ? "收起表格" : "表格";
  });
  document.addEventListener("DOMContentLoaded", draw);
  window.addEventListener("resize", function () { draw(); });
})();

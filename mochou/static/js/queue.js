// The queue page: select cases for a bulk action, and keep the pickers' searches to themselves.
// No inline script anywhere (the CSP allows scripts from 'self' only).
(function () {
  "use strict";

  function picks() {
    return Array.prototype.slice.call(document.querySelectorAll("input.bulk-pick"));
  }

  function showCount() {
    var count = document.getElementById("bulk-count");
    if (!count) return;
    var chosen = picks().filter(function (box) { return box.checked; }).length;
    count.textContent = "已选 " + chosen + " 件";
    var all = document.getElementById("bulk-all");
    if (all) {
      var boxes = picks();
      all.checked = boxes.length > 0 && chosen === boxes.length;
      all.indeterminate = chosen > 0 && chosen < boxes.length;
    }
  }

  // Typing into a picker's search must not re-run the queue's filter (the filter form listens to
  // every change inside it); the search fills the picker's options through htmx instead.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.classList && target.classList.contains("picker-search")) {
      event.stopPropagation();
      return;
    }
    if (target.id === "bulk-all") {
      picks().forEach(function (box) { box.checked = target.checked; });
    }
    if (target.id === "bulk-all" || (target.classList && target.classList.contains("bulk-pick"))) {
      showCount();
    }
  }, true);

  // A new page of the table (filter, sort, page, refresh after a bulk action) starts unselected.
  document.addEventListener("htmx:afterSettle", showCount);
  document.addEventListener("DOMContentLoaded", showCount);
})();

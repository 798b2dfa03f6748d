/* 钟祥12345 · the citizen pages' shared behaviour (portal, public guides, enterprise appeals).
 * - The 长辈版 switch: remembered in a cookie (no login), applied at once without a reload, so
 *   nothing typed into a form is lost. Without JavaScript the switch is a plain ?mode= link.
 * - A form sent back with mistakes: the first field in error gets the focus (its message is tied
 *   to it with aria-describedby, so a screen reader reads both).
 * - No time limit that runs out while someone types: while a form is being filled in, the
 *   session (the right to rate a case lives there) is renewed well before its idle timeout.
 */
(function () {
  "use strict";
  var YEAR = 365 * 24 * 3600;
  var bar = document.getElementById("citizen-bar");

  function setMode(elder) {
    var cookie = (bar && bar.getAttribute("data-cookie")) || "mochou_elder";
    document.cookie = cookie + "=" + (elder ? "1" : "0") + "; path=/; max-age=" + YEAR + "; SameSite=Lax";
    document.documentElement.classList.toggle("elder", elder);
    var link = document.getElementById("elder-switch");
    if (link) {
      link.textContent = link.getAttribute(elder ? "data-on-text" : "data-off-text");
      link.setAttribute("href", "?mode=" + (elder ? "standard" : "elder"));
    }
    var url = new URL(window.location.href);
    if (url.searchParams.has("mode")) {
      url.searchParams.delete("mode");
      window.history.replaceState(null, "", url.toString());
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-elder-switch]");
    if (!link) return;
    event.preventDefault();
    setMode(!document.documentElement.classList.contains("elder"));
    link.focus();
  });

  var invalid = document.querySelector('main [aria-invalid="true"]');
  if (invalid) invalid.focus();

  var seconds = bar ? parseInt(bar.getAttribute("data-session-seconds"), 10) : 0;
  if (seconds > 0 && document.querySelector('form[method="post"]')) {
    var typed = false;
    document.addEventListener("input", function () { typed = true; });
    // A third of the idle timeout, at least a minute (the server renews at most once a minute).
    var every = Math.max(60, Math.floor(seconds / 3)) * 1000;
    window.setInterval(function () {
      if (!typed) return;
      typed = false;
      fetch(window.location.pathname, { method: "HEAD", credentials: "same-origin", cache: "no-store" })
        .catch(function () { /* offline: the form still works when sent */ });
    }, every);
  }
})();

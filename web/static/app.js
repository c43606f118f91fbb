// Vigie dashboard: live progress of running scans. Without JavaScript the
// scans page still shows progress when reloaded.
"use strict";
(function () {
  function poll(row) {
    var url = row.getAttribute("data-progress");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (p) {
        var bar = row.querySelector("progress");
        if (bar) { bar.max = Math.max(p.total, 1); bar.value = p.done; }
        var count = row.querySelector(".count");
        if (count) { count.textContent = p.done + "/" + p.total; }
        if (p.finished) {
          // The scan's counts are final now: show them.
          window.location.reload();
          return;
        }
        setTimeout(function () { poll(row); }, 1000);
      })
      .catch(function () { setTimeout(function () { poll(row); }, 5000); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var rows = document.querySelectorAll("tr.running[data-progress]");
    for (var i = 0; i < rows.length; i++) { poll(rows[i]); }
  });
})();

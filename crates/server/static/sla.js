// SLA colours that follow the clock: a queue row turns amber when its due
// time comes near and red when it passes, while the page stays open.
//
// Each row with a due time carries `data-sla-due` (ms since the epoch) and
// `data-sla-target` (seconds); the list carries the server's time when it
// was rendered (`data-now`) and the shortest "soon" window. Time is counted
// from the server's clock (the browser's may be off), and "soon" is what the
// server says (domain::sla): at most a quarter of the target, or the
// shortest window, left. A live refresh replaces the list; the next check
// reads the new one. Checks run every 15 s, and at the moment the next row
// changes when that is sooner.
(function () {
  "use strict";
  var EVERY_MS = 15000;
  var RANK = { ok: 0, soon: 1, breached: 2 };
  var timer = null;

  function serverNow(list) {
    // The skew is measured once per rendered list.
    if (list.dataset.skew === undefined) {
      list.dataset.skew = String(Number(list.dataset.now) - Date.now());
    }
    return Date.now() + Number(list.dataset.skew);
  }

  function windowMs(list, targetSecs) {
    var floor = Number(list.dataset.slaSoonMin) || 1800;
    return Math.max(Math.floor(targetSecs / 4), floor) * 1000;
  }

  function stateAt(due, soonMs, now) {
    if (now >= due) return "breached";
    return due - now <= soonMs ? "soon" : "ok";
  }

  function current(row) {
    if (row.classList.contains("sla-breached")) return "breached";
    if (row.classList.contains("sla-soon")) return "soon";
    return "ok";
  }

  function show(row, state) {
    row.classList.remove("sla-ok", "sla-soon", "sla-breached");
    row.classList.add("sla-" + state);
    var label = row.querySelector(".sla-due");
    if (!label) return;
    label.classList.remove("sla-due-ok", "sla-due-soon", "sla-due-breached");
    label.classList.add("sla-due-" + state);
    if (state === "breached" && label.dataset.overdue) label.textContent = label.dataset.overdue;
  }

  function check() {
    clearTimeout(timer);
    var next = EVERY_MS;
    var list = document.getElementById("queue-list");
    if (list && list.dataset.now) {
      var now = serverNow(list);
      list.querySelectorAll(".row[data-sla-due]").forEach(function (row) {
        var due = Number(row.dataset.slaDue);
        var soonMs = windowMs(list, Number(row.dataset.slaTarget) || 0);
        var state = stateAt(due, soonMs, now);
        // Never back: a breach the server recorded stays red.
        if (RANK[state] > RANK[current(row)]) show(row, state);
        var change = state === "ok" ? due - soonMs : state === "soon" ? due : Infinity;
        next = Math.min(next, Math.max(change - now + 50, 250));
      });
    }
    timer = setTimeout(check, next);
  }

  check();
  // A live refresh brings new rows: look at them at once.
  var pane = document.getElementById("queue");
  if (pane && window.MutationObserver) {
    new MutationObserver(function () { check(); }).observe(pane, { childList: true });
  }
})();

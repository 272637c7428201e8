// The notification bell (unread count, list, mark read, open the
// conversation; live through app.js's event stream) and the @mention picker
// of the note composer. Text from the server is only ever put in the page
// with textContent.
(function () {
  "use strict";

  var app = document.getElementById("app");
  var bell = document.getElementById("bell");
  if (!app || !bell) return;
  var ws = app.dataset.ws;
  var api = "/api/v1/workspaces/" + ws;
  var panel = document.getElementById("notifications");
  var list = document.getElementById("bell-list");
  var count = document.getElementById("bell-count");
  var empty = document.getElementById("bell-empty");
  var desktop = document.getElementById("bell-desktop");
  var unread = 0;

  function $(id) { return document.getElementById(id); }

  function send(method, url) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "X-CSRF-Token": app.dataset.csrf, "Accept": "application/json" }
    });
  }

  function showCount() {
    count.textContent = unread > 99 ? "99+" : String(unread);
    count.hidden = unread === 0;
    bell.setAttribute("aria-label", "Notifications, " + unread + " unread");
  }

  function item(n) {
    var li = document.createElement("li");
    li.className = "bell-item" + (n.read_at ? "" : " unread");
    li.dataset.id = n.id;
    var link = document.createElement("a");
    link.href = n.conversation_id ? "/w/" + ws + "/c/" + n.conversation_id : "#";
    link.textContent = n.text;
    var when = document.createElement("time");
    when.dateTime = n.created_at;
    when.textContent = new Date(n.created_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    link.appendChild(when);
    link.addEventListener("click", function (e) {
      if (n.read_at) return;
      e.preventDefault();
      send("POST", api + "/me/notifications/" + n.id + "/read").finally(function () {
        window.location.href = link.href;
      });
    });
    li.appendChild(link);
    return li;
  }

  function load() {
    return fetch(api + "/me/notifications?limit=20", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (page) {
        if (!page) return;
        unread = page.unread;
        showCount();
        list.textContent = "";
        page.items.forEach(function (n) { list.appendChild(item(n)); });
        empty.hidden = page.items.length > 0;
      });
  }

  function toggle(open) {
    panel.hidden = !open;
    bell.setAttribute("aria-expanded", String(open));
    if (open) {
      load();
      desktop.hidden = !(window.Notification && Notification.permission === "default");
    }
  }

  bell.addEventListener("click", function () { toggle(panel.hidden); });
  document.addEventListener("click", function (e) {
    if (!panel.hidden && !$("bell-wrap").contains(e.target)) toggle(false);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && !panel.hidden) { toggle(false); bell.focus(); }
  });
  $("bell-read-all").addEventListener("click", function () {
    send("POST", api + "/me/notifications/read-all").then(load);
  });
  // Permission is asked only when the person clicks for it.
  desktop.addEventListener("click", function () {
    Notification.requestPermission().then(function () { desktop.hidden = true; });
  });

  document.addEventListener("switchboard:notification", function (e) {
    var n = e.detail;
    unread += 1;
    showCount();
    list.insertBefore(item(n), list.firstChild);
    empty.hidden = true;
    if (document.hidden && window.Notification && Notification.permission === "granted") {
      var shown = new Notification("Switchboard", { body: n.text, tag: n.id });
      shown.onclick = function () {
        window.focus();
        if (n.conversation_id) window.location.href = "/w/" + ws + "/c/" + n.conversation_id;
      };
    }
  });

  load();
})();

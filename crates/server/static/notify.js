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

  // ---- @mentions in notes ---------------------------------------------------
  // Typing "@" in a note offers the inbox's members; a picked one shows as
  // "@Name" in the box and is sent as "@[Name](user id)" (encode below).
  var members = {};      // conversation id -> promise of [{id, name}]
  var picked = [];       // [{name, id}] chosen in this page
  var picker = null;
  var options = [];
  var selected = 0;

  function composer() { return $("composer-body"); }
  function inNote() {
    var kind = document.querySelector("#composer input[name=kind]:checked");
    return kind && kind.value === "note";
  }
  function conversationId() {
    var form = $("composer");
    var m = form && /\/c\/([^/]+)\//.exec(form.getAttribute("action") || "");
    return m ? m[1] : "";
  }
  function membersOf(id) {
    if (!members[id]) {
      members[id] = fetch(api + "/conversations/" + id, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r); })
        .then(function (c) {
          return fetch(api + "/inboxes/" + c.inbox_id + "/members", { credentials: "same-origin", headers: { "Accept": "application/json" } });
        })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r); })
        .then(function (list) { return list.items.map(function (m) { return { id: m.id, name: m.name }; }); })
        .catch(function () { delete members[id]; return []; });
    }
    return members[id];
  }
  // The "@word" just before the caret, if any.
  function query(box) {
    var before = box.value.slice(0, box.selectionStart);
    var m = /(^|\s)@([^\s@]{0,30})$/.exec(before);
    return m ? { text: m[2], start: before.length - m[2].length - 1 } : null;
  }
  function close() {
    if (picker) picker.remove();
    picker = null;
    options = [];
  }
  function render(box) {
    if (!options.length) { close(); return; }
    if (!picker) {
      picker = document.createElement("ul");
      picker.className = "mention-picker";
      picker.id = "mention-picker";
      picker.setAttribute("role", "listbox");
      box.insertAdjacentElement("afterend", picker);
    }
    picker.textContent = "";
    options.forEach(function (m, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", String(i === selected));
      li.textContent = m.name;
      li.addEventListener("mousedown", function (e) { e.preventDefault(); pick(box, m); });
      picker.appendChild(li);
    });
  }
  function offer(box) {
    var q = inNote() && query(box);
    if (!q) { close(); return; }
    var needle = q.text.toLowerCase();
    membersOf(conversationId()).then(function (all) {
      options = all.filter(function (m) {
        return m.id !== app.dataset.me && m.name.toLowerCase().split(/\s+/).concat([m.name.toLowerCase()])
          .some(function (w) { return w.indexOf(needle) === 0; });
      }).slice(0, 8);
      selected = 0;
      render(box);
    });
  }
  function pick(box, m) {
    var q = query(box);
    if (!q) { close(); return; }
    var text = "@" + m.name + " ";
    box.value = box.value.slice(0, q.start) + text + box.value.slice(box.selectionStart);
    var caret = q.start + text.length;
    box.setSelectionRange(caret, caret);
    if (!picked.some(function (p) { return p.id === m.id; })) picked.push({ name: m.name, id: m.id });
    close();
    box.focus();
  }

  document.addEventListener("input", function (e) {
    if (e.target === composer()) offer(e.target);
  });
  // Capture: the picker's keys come before the composer's own (Enter, Escape).
  document.addEventListener("keydown", function (e) {
    var box = composer();
    if (!picker || e.target !== box) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      selected = (selected + (e.key === "ArrowDown" ? 1 : options.length - 1)) % options.length;
      render(box);
    } else if (e.key === "Enter" || e.key === "Tab") {
      pick(box, options[selected]);
    } else if (e.key === "Escape") {
      close();
    } else {
      return;
    }
    e.preventDefault();
    e.stopPropagation();
  }, true);
  document.addEventListener("focusout", function (e) {
    if (e.target === composer()) setTimeout(close, 150);
  });

  // The note's text with each picked "@Name" in its stored form; brackets
  // in a name become parentheses, as the server's encoding does.
  window.switchboardMentions = {
    encode: function (text) {
      picked.slice().sort(function (a, b) { return b.name.length - a.name.length; }).forEach(function (p) {
        var name = p.name.replace(/\[/g, "(").replace(/\]/g, ")");
        text = text.split("@" + p.name).join("@[" + name + "](" + p.id + ")");
      });
      return text;
    }
  };
})();

// Canned replies in the composer: typing "/" at the start of a line offers
// the saved replies whose shortcut starts with what follows; Up/Down choose,
// Enter or Tab inserts the reply filled in for this conversation, Escape
// closes. The list comes from GET /canned-replies (the workspace's shared
// replies and one's own). Bound on the document, so a conversation opened in
// place (a new composer) works too.
(function () {
  "use strict";
  var menu = null, items = [], chosen = 0, token = null, seq = 0;

  function composer(el) { return el && el.id === "composer-body" ? el : null; }

  // The "/word" the caret is in, at the start of a line, or null.
  function tokenAt(body) {
    var upto = body.value.slice(0, body.selectionStart);
    var m = /(^|\n)\/([a-z0-9_-]{0,32})$/i.exec(upto);
    if (!m) return null;
    return { start: upto.length - m[2].length - 1, end: body.selectionStart, word: m[2].toLowerCase() };
  }

  function where(body) {
    var action = body.form ? body.form.getAttribute("action") || "" : "";
    var m = /^\/w\/([^/]+)\/c\/([^/]+)\//.exec(action);
    return m ? { ws: m[1], conversation: m[2] } : null;
  }

  function close() {
    if (menu) menu.remove();
    menu = null; items = []; token = null;
  }

  function render(body) {
    if (!menu) {
      menu = document.createElement("ul");
      menu.className = "canned-menu";
      menu.id = "canned-menu";
      menu.setAttribute("role", "listbox");
      menu.setAttribute("aria-label", "Canned replies");
      body.parentNode.insertBefore(menu, body);
      menu.addEventListener("mousedown", function (e) {
        var li = e.target.closest("li[data-index]");
        if (!li) return;
        e.preventDefault();
        insert(body, Number(li.dataset.index));
      });
    }
    menu.textContent = "";
    if (!items.length) {
      var none = document.createElement("li");
      none.className = "canned-empty muted";
      none.textContent = token.word ? "No canned reply starts with /" + token.word : "No canned replies yet — add them in Canned replies";
      menu.appendChild(none);
      return;
    }
    items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.dataset.index = String(i);
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", i === chosen ? "true" : "false");
      var name = document.createElement("strong");
      name.textContent = "/" + item.shortcut;
      var text = document.createElement("span");
      text.className = "muted";
      text.textContent = " " + (item.rendered || item.body) + (item.shared ? "" : " · yours");
      li.appendChild(name);
      li.appendChild(text);
      menu.appendChild(li);
    });
  }

  function insert(body, index) {
    var item = items[index];
    if (!item || !token) return;
    var text = item.rendered || item.body;
    body.value = body.value.slice(0, token.start) + text + body.value.slice(token.end);
    var caret = token.start + text.length;
    body.setSelectionRange(caret, caret);
    close();
    // Let the composer know (the reply lock, the SMS counter).
    body.dispatchEvent(new Event("input", { bubbles: true }));
    body.focus();
  }

  function lookup(body) {
    var t = tokenAt(body), place = where(body);
    if (!t || !place) { close(); return; }
    token = t;
    var mine = ++seq;
    var url = "/api/v1/workspaces/" + place.ws + "/canned-replies?q=" + encodeURIComponent(t.word) +
      "&conversation_id=" + encodeURIComponent(place.conversation);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (list) {
        if (mine !== seq || !token) return; // typed on since
        items = list.items || [];
        chosen = 0;
        render(body);
      })
      .catch(function () { close(); });
  }

  document.addEventListener("input", function (e) {
    var body = composer(e.target);
    if (body && e.isTrusted) lookup(body);
  });

  // Capture: before the composer's own keys (Escape blurs it, Ctrl+Enter sends).
  document.addEventListener("keydown", function (e) {
    var body = composer(e.target);
    if (!body || !menu) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!items.length) return;
      e.preventDefault();
      chosen = (chosen + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      render(body);
    } else if ((e.key === "Enter" && !e.ctrlKey && !e.metaKey) || e.key === "Tab") {
      if (!items.length) { close(); return; }
      e.preventDefault();
      e.stopPropagation();
      insert(body, chosen);
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      close();
    }
  }, true);

  // Leaving the composer closes the list (after a moment, so a click on it
  // lands first); coming straight back keeps it.
  document.addEventListener("focusout", function (e) {
    var body = composer(e.target);
    if (body) setTimeout(function () { if (document.activeElement !== body) close(); }, 150);
  });
})();

// Switchboard's agent app: live updates over SSE, the reply lock, sending
// without a page load, keyboard shortcuts and drag to reorder inboxes.
// Everything works without this file (plain links and forms); this only
// makes it faster and live. Text from customers is never put in the page
// here: fragments come from the server, where askama escaped them, and
// anything built here uses textContent.
(function () {
  "use strict";

  var app = document.getElementById("app");
  if (!app) return;
  var ws = app.dataset.ws;
  var csrf = app.dataset.csrf;
  var back = app.dataset.back || "";
  var conversation = app.dataset.conversation || "";
  var api = "/api/v1/workspaces/" + ws;

  var LOCK_RENEW_MS = 30000;   // the lease is ~90 s: renew well before
  var IDLE_ASK_MS = 3 * 60000; // "Still working on this?" after 3 idle minutes
  var IDLE_RELEASE_MS = 60000; // then let go unless answered

  function $(id) { return document.getElementById(id); }

  function send(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, "Accept": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      keepalive: method === "DELETE"
    });
  }

  // Fetches a server-rendered fragment into `el`. The HTML was escaped by
  // the server's templates, so it is trusted markup.
  function refresh(el, url) {
    if (!el) return Promise.resolve();
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) { el.innerHTML = html; enhance(el); } });
  }

  // ---- Small enhancements of server-rendered forms -----------------------
  function enhance(root) {
    var offset = String(new Date().getTimezoneOffset());
    root.querySelectorAll(".tz-offset").forEach(function (i) { i.value = offset; });
    root.querySelectorAll("form.autosubmit select").forEach(function (s) {
      s.addEventListener("change", function () { s.form.submit(); });
    });
  }
  enhance(document);

  // ---- Live: one EventSource per page -------------------------------------
  var KINDS = ["created", "message", "assigned", "transferred", "returned", "status_changed",
    "priority_changed", "subject_changed", "tags_changed", "linked", "unlinked", "delivery",
    "locked", "unlocked", "call", "message_scheduled", "scheduled_message_edited",
    "scheduled_message_cancelled"];
  var QUIET = { delivery: 1, locked: 1, unlocked: 1, linked: 1, unlinked: 1 };
  var queueTimer = null;

  function refreshQueue() {
    clearTimeout(queueTimer);
    queueTimer = setTimeout(function () {
      var sep = back ? "&" : "?";
      // Keep the reader's place: as many rows as are loaded, the same
      // scroll, the same rows ticked.
      var list = $("queue-list");
      var keep = list ? list.scrollTop : 0;
      var shown = Math.min(500, Math.max(100, rows().length));
      var ticked = selectedIds();
      refresh($("queue"), "/w/" + ws + "/queue" + back + sep + "limit=" + shown + (conversation ? "&open=" + conversation : "")).then(function () {
        markActive();
        var fresh = $("queue-list");
        if (fresh) fresh.scrollTop = keep;
        restoreSelection(ticked);
        watchMore();
      });
      refreshSidebar();
    }, 250);
  }
  function refreshSidebar() { refresh($("sidebar"), "/w/" + ws + "/sidebar" + back).then(enableDrag); }
  function refreshHead() {
    return refresh($("head"), "/w/" + ws + "/c/" + conversation + "/head" + back).then(applyLockState);
  }
  function refreshDetails() {
    var pane = $("details-body");
    // Someone typing a subject, tags or a link keeps what they typed.
    if (!pane || pane.contains(document.activeElement)) return Promise.resolve();
    return refresh(pane, "/w/" + ws + "/c/" + conversation + "/details" + back);
  }
  function refreshTimeline() {
    var tl = $("timeline");
    return refresh(tl, "/w/" + ws + "/c/" + conversation + "/timeline").then(function () {
      if (tl) tl.scrollTop = tl.scrollHeight;
    });
  }

  if (window.EventSource) {
    // The browser resends Last-Event-ID on reconnect: the server resumes there.
    var source = new EventSource(api + "/events");
    // The caller's own notifications: the bell (notify.js) shows them.
    source.addEventListener("notification", function (e) {
      var data;
      try { data = JSON.parse(e.data); } catch (_) { return; }
      document.dispatchEvent(new CustomEvent("switchboard:notification", { detail: data }));
    });
    KINDS.forEach(function (kind) {
      source.addEventListener(kind, function (e) {
        var data;
        try { data = JSON.parse(e.data); } catch (_) { return; }
        if (conversation && data.conversation_id === conversation) {
          if (kind === "locked" || kind === "unlocked") {
            if (data.holder_id !== app.dataset.me) refreshHead();
          } else {
            refreshTimeline();
            refreshHead();
            refreshDetails();
          }
        }
        if (!QUIET[kind]) refreshQueue();
      });
    });
  }

  // ---- Queue navigation ----------------------------------------------------
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#queue-list .row")); }
  function markActive() {
    rows().forEach(function (r) { r.classList.toggle("active", r.dataset.conversation === conversation); });
  }
  function move(step) {
    var list = rows();
    if (!list.length) return;
    var at = list.findIndex(function (r) { return r.dataset.conversation === conversation; });
    var next = list[Math.min(list.length - 1, Math.max(0, at + step))];
    if (at === -1) next = list[0];
    if (next) openInPlace(next.getAttribute("href"), true);
  }

  // ---- Composer and the reply lock ----------------------------------------
  var form = $("composer");
  var body = $("composer-body");
  var sendButton = $("send");
  var holding = false, lastRenew = 0, idleTimer = null, releaseTimer = null, lockedByOther = false;

  function mode() { return form && form.querySelector("input[name=kind]:checked").value; }

  // Says what the button does in each mode: a note is added for the team,
  // a reply is sent to the customer (or cannot be, and the hint says why).
  function setMode(m) {
    if (!form) return;
    var radio = form.querySelector("input[name=kind][value=" + m + "]");
    if (!radio) return;
    radio.checked = true;
    form.dataset.mode = m;
    var note = m === "note";
    body.placeholder = note ? "Write an internal note — only your team sees it" : "Write a reply… (Ctrl+Enter to send)";
    sendButton.textContent = note ? "Add note" : ($("send-later") && $("send-later").value ? "Schedule" : "Send");
    if ($("send-later-box")) $("send-later-box").hidden = note;
    $("composer-hint").textContent = note ? "Notes stay with your team; nothing is sent to the customer." : (form.dataset.replyHint || "");
    applyLockState();
  }

  // The composer's expected version is the one the writer saw when the page
  // loaded or their last reply went out, never a live refresh's: a reply
  // typed before a new customer-visible message must meet the stale warning.
  function applyLockState() {
    if (!form) return;
    var head = document.querySelector(".conv-head");
    var other = head ? head.dataset.lockOther : "";
    var canReply = head ? head.dataset.canReply === "true" : true;
    var canNote = head ? head.dataset.canNote === "true" : true;
    lockedByOther = !!other;
    var banner = $("lock-banner");
    $("lock-text").textContent = other ? other + " is replying…" : "";
    banner.hidden = !other;
    var blocked = mode() === "reply" ? (!canReply || lockedByOther) : !canNote;
    body.disabled = blocked;
    sendButton.disabled = blocked;
  }

  function takeLock(force) {
    var now = Date.now();
    if (!force && holding && now - lastRenew < LOCK_RENEW_MS) return;
    lastRenew = now;
    // Held from the moment it is asked for: typing sends one request, not
    // one per key, and clearing the draft straight after still lets go.
    holding = true;
    send("POST", api + "/conversations/" + conversation + "/lock").then(function (r) {
      if (r.status === 409) { holding = false; refreshHead(); return; }
      if (!r.ok) holding = false;
    });
  }

  function releaseLock() {
    if (!holding) return;
    holding = false;
    send("DELETE", api + "/conversations/" + conversation + "/lock");
  }

  function activity() {
    clearTimeout(idleTimer);
    clearTimeout(releaseTimer);
    idleTimer = setTimeout(askStillWorking, IDLE_ASK_MS);
  }

  function askStillWorking() {
    if (!holding) return;
    var dialog = $("still-working");
    if (dialog.showModal) dialog.showModal();
    releaseTimer = setTimeout(function () { if (dialog.open) dialog.close(); releaseLock(); }, IDLE_RELEASE_MS);
  }

  function showError(text) {
    var el = $("send-error");
    el.textContent = text;
    el.hidden = !text;
  }

  function submit(force) {
    var text = body.value;
    var files = window.switchboardAttachments;
    var attached = mode() === "reply" && files ? files.ids() : [];
    if (mode() === "reply" && files && files.busy()) { showError("Wait for the files to finish uploading."); return; }
    if (!text.trim() && !attached.length) return;
    // Mentions picked in a note are sent in their stored form (notify.js).
    if (mode() === "note" && window.switchboardMentions) text = window.switchboardMentions.encode(text);
    var payload = { kind: mode(), body: text };
    if (attached.length) payload.attachments = attached.map(function (id) { return { media_id: id }; });
    if (!force && mode() === "reply") payload.expected_version = Number($("expected-version").value);
    var later = mode() === "reply" ? sendLaterAt() : null;
    if (later === false) { showError("Choose the day and time the reply should go."); return; }
    if (later) payload.send_at = later;
    sendButton.disabled = true;
    showError("");
    send("POST", api + "/conversations/" + conversation + "/messages", payload).then(function (r) {
      sendButton.disabled = false;
      if (r.ok) {
        body.value = "";
        if (attached.length) files.clear();
        if ($("send-later")) { $("send-later").value = ""; showSendLater(); }
        // Says so to the counter under the box (and lets go of the lock).
        body.dispatchEvent(new Event("input", { bubbles: true }));
        $("stale").hidden = true;
        releaseLock();
        return r.json().then(function (posted) {
          $("expected-version").value = posted.conversation.version;
          refreshTimeline();
          refreshHead();
        });
      }
      return r.json().then(function (problem) {
        if (problem.code === "stale_conversation") {
          $("stale").hidden = false;
          refreshTimeline();
        } else if (problem.code === "conflict_locked") {
          refreshHead();
        } else {
          showError(problem.detail || "Couldn't send.");
        }
      });
    }).catch(function () { sendButton.disabled = false; showError("Couldn't reach the server. Check your connection and try again."); });
  }

  // Send later: the menu's time as RFC 3339, read in the browser's zone
  // (9:00 tomorrow, 9:00 next Monday, or the time picked); null for now,
  // false when "Pick a time" has none.
  function sendLaterAt() {
    var menu = $("send-later");
    if (!menu || !menu.value) return null;
    var at = new Date();
    if (menu.value === "custom") {
      if (!$("send-at").value) return false;
      at = new Date($("send-at").value);
    } else {
      var days = menu.value === "tomorrow" ? 1 : ((8 - at.getDay()) % 7 || 7);
      at.setDate(at.getDate() + days);
      at.setHours(9, 0, 0, 0);
    }
    return isNaN(at.getTime()) ? false : at.toISOString();
  }

  // The picker shows for "Pick a time"; the button says what will happen.
  function showSendLater() {
    var menu = $("send-later");
    if (!menu) return;
    $("send-at").hidden = menu.value !== "custom";
    if (mode() === "reply") sendButton.textContent = menu.value ? "Schedule" : "Send";
  }

  // Binds the composer of the conversation on the page; called again when
  // another conversation is opened in place (its pane's elements are new).
  function bindComposer() {
    form = $("composer");
    body = $("composer-body");
    sendButton = $("send");
    holding = false;
    lastRenew = 0;
    clearTimeout(idleTimer);
    clearTimeout(releaseTimer);
    if (!form) return;
    form.addEventListener("change", function (e) {
      if (e.target.name === "kind") setMode(e.target.value);
      if (e.target.id === "send-later") showSendLater();
    });
    showSendLater();
    body.addEventListener("input", function () {
      activity();
      // A cleared draft lets go of the lock: nobody is replying any more.
      if (mode() === "reply" && body.value.trim()) takeLock(false);
      else if (!body.value.trim()) releaseLock();
    });
    body.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); submit(false); }
      if (e.key === "Escape") body.blur();
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); submit(false); });
    $("send-anyway").addEventListener("click", function () { submit(true); });
    applyLockState();
    var tl = $("timeline");
    if (tl && !window.location.hash) tl.scrollTop = tl.scrollHeight;
  }
  bindComposer();
  // Someone typing when the prompt opens lands on "I'm still here" (its
  // default), and Esc keeps the lock too: only "Let it go" or silence
  // releases it.
  $("keep-working").addEventListener("click", function () { $("still-working").close(); activity(); takeLock(true); });
  $("still-working").addEventListener("cancel", function () { activity(); takeLock(true); });
  $("release-now").addEventListener("click", function () { $("still-working").close(); releaseLock(); });
  window.addEventListener("pagehide", releaseLock);

  // ---- Keyboard shortcuts --------------------------------------------------
  function click(id) { var b = $(id); if (b && !b.disabled) b.click(); }
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
    switch (e.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "a": click("assign-to-me"); break;
      case "u": click("return-to-inbox"); break;
      case "e": click("mark-done"); break;
      case "r": if (form) { e.preventDefault(); setMode("reply"); body.focus(); } break;
      case "n": if (form) { e.preventDefault(); setMode("note"); body.focus(); } break;
      case "?": var d = $("shortcuts"); if (d && d.showModal) d.showModal(); break;
      default: return;
    }
  });

  // ---- Copy a message's permalink (delegated: timelines are refreshed) ---
  document.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest(".msg-copy") : null;
    if (!button) return;
    var url = new URL(button.dataset.copy, window.location.origin).href;
    var done = function (text) {
      button.textContent = text;
      setTimeout(function () { button.textContent = "Copy link"; }, 1500);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(function () { done("Copied"); }, function () { done("Couldn't copy"); });
    } else {
      done("Couldn't copy");
    }
  });

  // ---- Drag to reorder inboxes (saved for me only) -----------------------
  function enableDrag() {
    var list = $("inbox-list");
    if (!list) return;
    var dragged = null;
    list.querySelectorAll(".inbox-item").forEach(function (item) {
      item.addEventListener("dragstart", function (e) { dragged = item; item.classList.add("dragging"); e.dataTransfer.effectAllowed = "move"; });
      item.addEventListener("dragend", function () { item.classList.remove("dragging"); dragged = null; });
      item.addEventListener("dragover", function (e) { if (dragged && dragged !== item) { e.preventDefault(); item.classList.add("drop-target"); } });
      item.addEventListener("dragleave", function () { item.classList.remove("drop-target"); });
      item.addEventListener("drop", function (e) {
        e.preventDefault();
        item.classList.remove("drop-target");
        if (!dragged || dragged === item) return;
        list.insertBefore(dragged, item);
        var ids = Array.prototype.map.call(list.querySelectorAll(".inbox-item"), function (i) { return i.dataset.inbox; });
        send("PUT", api + "/inboxes/order", { inbox_ids: ids });
      });
    });
  }
  enableDrag();

  // ---- The details pane: shown or hidden, remembered per browser --------
  // On wide screens it is a column (hidden when collapsed); on middling ones
  // an overlay (shown when open); on phones a view of its own, reached by
  // its link's #details like any other pane, so the script stays out.
  var WIDE = window.matchMedia("(min-width: 1280px)");
  var PHONE = window.matchMedia("(max-width: 760px)");
  var DETAILS_KEY = "switchboard.details-collapsed";
  function storedCollapsed() {
    try { return window.localStorage.getItem(DETAILS_KEY) === "1"; } catch (_) { return false; }
  }
  app.classList.toggle("details-collapsed", storedCollapsed());
  function toggleDetails(show) {
    if (WIDE.matches) {
      var collapsed = show === undefined ? !app.classList.contains("details-collapsed") : !show;
      app.classList.toggle("details-collapsed", collapsed);
      try { window.localStorage.setItem(DETAILS_KEY, collapsed ? "1" : "0"); } catch (_) { /* private mode */ }
    } else {
      app.classList.toggle("details-open", show === undefined ? !app.classList.contains("details-open") : show);
    }
  }
  document.addEventListener("click", function (e) {
    var toggle = e.target.closest ? e.target.closest("#details-toggle, #details-close") : null;
    if (!toggle || PHONE.matches) return;
    e.preventDefault();
    toggleDetails(toggle.id === "details-close" ? false : undefined);
  });

  // ---- The queue at any length: more rows as the list is scrolled --------
  // The "Show more" row is a plain link to the next page without the
  // script; with it, the next rows are fetched and appended when the row
  // comes into view (or is clicked).
  var loadingMore = false;
  function loadMore() {
    var more = $("queue-more");
    if (!more || loadingMore) return;
    var link = more.querySelector("a");
    loadingMore = true;
    var sep = back ? "&" : "?";
    var url = "/w/" + ws + "/queue" + back + sep + "after=" + encodeURIComponent(link.dataset.after) +
      (conversation ? "&open=" + conversation : "");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        loadingMore = false;
        if (html === null) return;
        // Server-rendered (escaped by askama), like every refreshed pane.
        var doc = new DOMParser().parseFromString(html, "text/html");
        var list = $("queue-list");
        if (!list || !more.parentNode) return;
        more.parentNode.removeChild(more);
        doc.querySelectorAll("#queue-list > li").forEach(function (li) {
          if (li.classList.contains("queue-empty")) return;
          var row = li.querySelector(".row");
          // A conversation that moved up meanwhile is already listed.
          if (row && list.querySelector('.row[data-conversation="' + row.dataset.conversation + '"]')) return;
          list.appendChild(document.importNode(li, true));
        });
        watchMore();
      }, function () { loadingMore = false; });
  }
  var moreObserver = window.IntersectionObserver ? new IntersectionObserver(function (entries) {
    if (entries.some(function (e) { return e.isIntersecting; })) loadMore();
  }, { rootMargin: "200px" }) : null;
  function watchMore() {
    var more = $("queue-more");
    if (!moreObserver) return;
    moreObserver.disconnect();
    if (more) moreObserver.observe(more);
  }
  document.addEventListener("click", function (e) {
    var link = e.target.closest ? e.target.closest("#queue-more a") : null;
    if (!link) return;
    e.preventDefault();
    loadMore();
  });
  // A new order applies at once.
  document.addEventListener("change", function (e) {
    if (e.target.id === "queue-sort" && e.target.form) e.target.form.submit();
  });
  watchMore();

  // ---- Bulk: tick rows, then assign them to me, mark them done or tag them
  // Each goes through the API as one action would, so the same permission
  // rules apply one by one; what was refused is said with the first reason.
  app.classList.add("js-bulk");
  var bulkNotice = "";
  function selectedIds() {
    return Array.prototype.map.call(document.querySelectorAll("#queue-list .row-check:checked"), function (c) { return c.value; });
  }
  function restoreSelection(ids) {
    document.querySelectorAll("#queue-list .row-check").forEach(function (c) { c.checked = ids.indexOf(c.value) !== -1; });
    updateBulk();
  }
  function updateBulk() {
    var bar = $("bulk-bar");
    if (!bar) return;
    var n = selectedIds().length;
    bar.hidden = n === 0 && !bulkNotice;
    $("bulk-count").textContent = n ? n + " selected" : "";
    var error = $("bulk-error");
    error.textContent = bulkNotice;
    error.hidden = !bulkNotice;
    bar.querySelectorAll("button[data-bulk]").forEach(function (b) { b.disabled = n === 0; });
  }
  function bulkOne(action, id, tag) {
    var url = api + "/conversations/" + id;
    if (action === "assign") return send("POST", url + "/assign", { user_id: tag });
    if (action !== "tag") return send("POST", url + "/" + action);
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } }).then(function (r) {
      if (!r.ok) return r;
      return r.json().then(function (c) {
        var tags = (c.tags || []).slice();
        if (tags.indexOf(tag) === -1) tags.push(tag);
        return send("PUT", url + "/tags", { tags: tags });
      });
    });
  }
  document.addEventListener("change", function (e) {
    if (e.target.classList && e.target.classList.contains("row-check")) { bulkNotice = ""; updateBulk(); }
  });
  document.addEventListener("click", function (e) {
    if (e.target.id === "bulk-clear") { bulkNotice = ""; restoreSelection([]); return; }
    var button = e.target.closest ? e.target.closest("[data-bulk]") : null;
    if (!button) return;
    var ids = selectedIds();
    var action = button.dataset.bulk;
    var tag = "";
    if (action === "tag") {
      tag = $("bulk-tag").value.trim();
      if (!tag) { $("bulk-tag").focus(); return; }
    }
    if (action === "assign") {
      tag = $("bulk-assignee").value;
      if (!tag) { $("bulk-assignee").focus(); return; }
    }
    button.disabled = true;
    var failed = [];
    Promise.all(ids.map(function (id) {
      return bulkOne(action, id, tag).then(function (r) {
        if (r.ok) return null;
        return r.json().then(function (p) { failed.push(p.detail || "refused"); }, function () { failed.push("refused"); });
      }, function () { failed.push("couldn't reach the server"); });
    })).then(function () {
      bulkNotice = failed.length ? failed.length + " of " + ids.length + " couldn't be changed: " + failed[0] : "";
      restoreSelection([]);
      refreshQueue();
    });
  });
  updateBulk();

  // ---- Opening a conversation in place ------------------------------------
  // A row (or another conversation's link) swaps the conversation and
  // details panes for the server's rendering of that address, so the queue
  // keeps its scroll, loaded rows and ticks; the address changes with
  // pushState, and back/forward swap the panes again. Anything unexpected
  // (another queue, an error, no script support) is a plain page load.
  var shownPath = window.location.pathname + window.location.search;
  function openInPlace(url, push) {
    if (!window.DOMParser || !window.history || !history.pushState) { window.location.href = url; return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) { window.location.href = url; return; }
        // Server-rendered (escaped by askama), like every refreshed pane.
        var doc = new DOMParser().parseFromString(html, "text/html");
        var next = doc.getElementById("app");
        var pane = document.querySelector(".pane-conversation");
        var nextPane = doc.querySelector(".pane-conversation");
        if (!next || !pane || !nextPane || (next.dataset.back || "") !== back) { window.location.href = url; return; }
        releaseLock();
        pane.innerHTML = nextPane.innerHTML;
        var details = $("details");
        if (details) details.parentNode.removeChild(details);
        var nextDetails = doc.getElementById("details");
        if (nextDetails) app.appendChild(document.importNode(nextDetails, true));
        conversation = next.dataset.conversation || "";
        ["conversation", "version"].forEach(function (key) {
          if (next.dataset[key]) app.dataset[key] = next.dataset[key]; else delete app.dataset[key];
        });
        app.dataset.pane = next.dataset.pane || "queue";
        document.title = doc.title;
        if (push) history.pushState({ inPlace: true }, "", url);
        shownPath = window.location.pathname + window.location.search;
        enhance(pane);
        if ($("details")) enhance($("details"));
        bindComposer();
        markActive();
        var target = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
        if (target && target.scrollIntoView) target.scrollIntoView({ block: "center" });
      })
      .catch(function () { window.location.href = url; });
  }
  document.addEventListener("click", function (e) {
    if (e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    var link = e.target.closest ? e.target.closest("#queue-list a.row, a.details-other, #follow-up, #back-to-queue") : null;
    if (!link) return;
    // On a phone the pane shown follows the address's fragment (:target),
    // which pushState does not change: with one set, load the page.
    if (PHONE.matches && window.location.hash) return;
    var url = new URL(link.getAttribute("href"), window.location.href);
    if (url.origin !== window.location.origin) return;
    e.preventDefault();
    openInPlace(url.pathname + url.search + url.hash, true);
  });
  window.addEventListener("popstate", function () {
    // A fragment alone (#sidebar, #details on a phone) is not another page.
    if (window.location.pathname + window.location.search === shownPath) return;
    openInPlace(window.location.href, false);
  });
})();

// ---- Statuses, confirmations and the browser's time zone (issue 10) -------
(function () {
  "use strict";

  var app = document.getElementById("app");
  if (!app) return;

  // A button that asks first (closing for good): a plain confirm().
  document.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest("[data-confirm]") : null;
    if (button && !window.confirm(button.dataset.confirm)) e.preventDefault();
  });

  // p / h / o / c: Pending, On hold, Open, Close (from the Status menu).
  var STATUS_KEYS = { p: "status-pending", h: "status-on_hold", o: "status-open", c: "status-closed" };
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
    var id = STATUS_KEYS[e.key];
    var button = id && document.getElementById(id);
    if (button && !button.disabled) { e.preventDefault(); button.click(); }
  });

  // Times are shown in the profile's time zone; until it has one, send the
  // browser's (once). The panes use it from their next refresh or page; no
  // reload here, so nothing the person is doing is interrupted.
  if (app.dataset.zoneKnown === "false") {
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (_) { zone = ""; }
    if (zone && !sessionStorage.getItem("sb-zone-sent")) {
      sessionStorage.setItem("sb-zone-sent", "1");
      fetch("/api/v1/me/profile", {
        method: "PATCH",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": app.dataset.csrf, "Accept": "application/json" },
        body: JSON.stringify({ time_zone: zone })
      }).then(function (r) { if (r.ok) app.dataset.zoneKnown = "true"; });
    }
  }
})();

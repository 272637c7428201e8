// Switchboard's phone simulator: plays a customer's phone in the browser.
//
// It talks only to the simulator's JSON endpoints:
//   POST /simulator/api/messages {from, to, body}   send a text
//   GET  /simulator/api/messages?number=            what this phone sent and received
// and polls the second every 1.5 s, so replies and their delivery statuses
// show up on their own.
//
// Everything a customer or an agent wrote is put on the page with
// textContent, never as markup: a reply reading "<img onerror=…>" shows as
// those characters.
(function () {
  "use strict";

  const POLL_MS = 1500;
  const STORE_PHONE = "switchboard.simulator.phone";
  const STORE_THREAD = "switchboard.simulator.thread";
  // Area codes in use, so the fictional 555-01xx numbers are valid numbers.
  const AREA_CODES = ["206", "212", "303", "312", "415", "503", "512", "617", "702", "737"];
  // Shown as pictures; never SVG, which could carry script.
  const IMAGE_TYPES = ["image/jpeg", "image/png", "image/gif"];
  const STATUS_LABELS = {
    queued: "Sending…",
    sending: "Sending…",
    sent: "Sent",
    delivered: "Delivered",
    read: "Read",
    undelivered: "Not delivered",
    failed: "Failed",
  };

  const $ = (id) => document.getElementById(id);
  const ui = {
    phone: $("phone"),
    phoneForm: $("phone-form"),
    phoneInput: $("phone-number"),
    phoneError: $("phone-error"),
    phoneHint: $("phone-hint"),
    newNumber: $("new-number"),
    clock: $("phone-clock"),
    avatar: $("thread-avatar"),
    name: $("thread-name"),
    meta: $("thread-meta"),
    scroll: $("thread-scroll"),
    empty: $("thread-empty"),
    emptyTitle: $("thread-empty-title"),
    emptyText: $("thread-empty-text"),
    thread: $("thread"),
    composer: $("composer"),
    body: $("composer-body"),
    send: $("send"),
    sendError: $("send-error"),
    connection: $("connection"),
  };
  const contacts = Array.from(document.querySelectorAll(".contact"));

  const state = {
    phone: null, // this phone's number, E.164, once the server accepted it
    thread: null, // the business number whose conversation is open
    messages: [], // every text of this phone, oldest first
    rendered: "", // what the open thread showed last, to redraw only on change
    shown: new Set(), // ids already drawn, so only new ones animate in
    seen: new Map(), // business number → how many replies were read there
    sending: false,
    timer: null,
  };

  // ---- Helpers ----

  function randomNumber() {
    const area = AREA_CODES[Math.floor(Math.random() * AREA_CODES.length)];
    const line = 100 + Math.floor(Math.random() * 100);
    return "+1" + area + "555" + String(line).padStart(4, "0");
  }

  function formatNumber(e164) {
    const us = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164 || "");
    return us ? "(" + us[1] + ") " + us[2] + "-" + us[3] : e164 || "";
  }

  function storageGet(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (_) {
      return null; // storage disabled: remember nothing
    }
  }

  function storageSet(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch (_) {
      /* storage disabled or full: the page still works */
    }
  }

  // The readable part of a problem+json answer, without the leading field
  // name, which the form already shows ("number: invalid…" → "Invalid…").
  async function problemText(response) {
    let detail = "";
    try {
      const problem = await response.json();
      detail = problem.detail || problem.title || "";
    } catch (_) {
      /* not JSON: fall through */
    }
    if (!detail) {
      return "The server answered " + response.status + ". Try again.";
    }
    detail = detail.replace(/^(from|to|number|body): /, "");
    return detail.charAt(0).toUpperCase() + detail.slice(1);
  }

  function show(element, text) {
    element.textContent = text;
    element.hidden = !text;
  }

  // Shows (or clears, with "") what is wrong with the typed number, in place of the hint.
  function phoneProblem(text) {
    show(ui.phoneError, text);
    ui.phoneHint.hidden = Boolean(text);
    if (text) {
      ui.phoneInput.setAttribute("aria-invalid", "true");
    } else {
      ui.phoneInput.removeAttribute("aria-invalid");
    }
  }

  function timeOf(date) {
    return date.toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
  }

  function dayOf(date) {
    const today = new Date();
    const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
    if (date.toDateString() === today.toDateString()) return "Today";
    if (date.toDateString() === yesterday.toDateString()) return "Yesterday";
    return date.toLocaleDateString([], { weekday: "long", month: "short", day: "numeric" });
  }

  function contactFor(number) {
    return contacts.find((c) => c.dataset.number === number) || null;
  }

  // ---- The phone's number ----

  // Asks the server to read the number (it answers with the phone's texts);
  // returns whether it was accepted.
  async function usePhone(raw) {
    const typed = (raw || "").trim();
    if (!typed) {
      phoneProblem("Type a phone number, or pick a new one.");
      return false;
    }
    let response;
    try {
      response = await fetch("/simulator/api/messages?number=" + encodeURIComponent(typed), {
        headers: { Accept: "application/json" },
      });
    } catch (_) {
      phoneProblem("Can't reach the server. Check that Switchboard is running.");
      return false;
    }
    if (!response.ok) {
      phoneProblem(await problemText(response));
      return false;
    }
    const data = await response.json();
    const changed = data.number !== state.phone;
    state.phone = data.number;
    storageSet(STORE_PHONE, data.number);
    ui.phoneInput.value = formatNumber(data.number);
    phoneProblem("");
    if (changed) {
      state.rendered = "";
      state.shown = new Set();
      state.seen = new Map();
    }
    receive(data.messages, changed);
    updateComposer();
    return true;
  }

  // ---- The open thread ----

  // Opens the conversation with `number`; `focus` moves the caret to the
  // composer (on a click, not on page load, where it would scroll a small
  // screen past the number settings).
  function openThread(number, focus) {
    const contact = contactFor(number);
    if (!contact) return;
    state.thread = number;
    storageSet(STORE_THREAD, number);
    for (const c of contacts) {
      c.setAttribute("aria-pressed", String(c === contact));
    }
    // Only a checked #hex colour reaches the page; set through the CSSOM,
    // which the Content-Security-Policy allows (inline style attributes it does not).
    ui.phone.style.setProperty("--inbox-color", contact.dataset.color);
    ui.avatar.style.setProperty("--inbox-color", contact.dataset.color);
    ui.avatar.textContent = contact.dataset.emoji;
    ui.name.textContent = contact.dataset.name;
    ui.meta.textContent = contact.dataset.business + " · " + contact.dataset.display;
    ui.emptyTitle.textContent = "Text " + contact.dataset.name;
    ui.emptyText.textContent =
      "Your message arrives in their team inbox. Replies show up here as they are delivered.";
    state.rendered = "";
    show(ui.sendError, "");
    render();
    updateComposer();
    if (focus) ui.body.focus();
  }

  function threadMessages() {
    return state.messages.filter((m) => m.inbox_number === state.thread);
  }

  // Redraws the open thread when what it shows changed (new texts, statuses).
  function render() {
    const messages = threadMessages();
    const signature = JSON.stringify(
      messages.map((m) => [m.id, m.delivery_status, m.error]).concat([state.thread]),
    );
    if (signature === state.rendered) return;
    // On a first draw (a thread just opened) nothing animates in.
    const firstDraw = state.rendered === "";
    state.rendered = signature;

    const nearBottom =
      ui.scroll.scrollHeight - ui.scroll.scrollTop - ui.scroll.clientHeight < 80;
    const items = [];
    let lastDay = "";
    for (const message of messages) {
      const at = new Date(message.created_at);
      const day = dayOf(at);
      if (day !== lastDay) {
        const separator = document.createElement("li");
        separator.className = "day";
        separator.textContent = day;
        items.push(separator);
        lastDay = day;
      }
      items.push(messageItem(message, at, firstDraw));
    }
    ui.thread.replaceChildren(...items);
    ui.empty.hidden = messages.length > 0;
    if (nearBottom || messages.some((m) => !state.shown.has(m.id))) {
      ui.scroll.scrollTop = ui.scroll.scrollHeight;
    }
    for (const m of messages) state.shown.add(m.id);
    markRead();
  }

  function messageItem(message, at, firstDraw) {
    const mine = message.direction === "from_phone";
    const item = document.createElement("li");
    item.className = "message " + (mine ? "mine" : "theirs");
    if (!firstDraw && !state.shown.has(message.id)) item.classList.add("arrived");

    const bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.textContent = message.body;
    // Pictures the team sent (MMS), at their public link; anything else
    // arrives as a link, the way a phone offers a file.
    (message.media || []).forEach(function (file, i) {
      const link = document.createElement("a");
      link.className = "bubble-media";
      link.href = file.url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      if (IMAGE_TYPES.indexOf(file.content_type) !== -1) {
        const img = document.createElement("img");
        img.src = file.url;
        img.alt = "Picture " + (i + 1);
        link.appendChild(img);
      } else {
        link.textContent = "Attachment " + (i + 1);
      }
      bubble.appendChild(link);
    });
    item.appendChild(bubble);

    const meta = document.createElement("div");
    meta.className = "message-meta";
    if (mine) {
      meta.textContent = timeOf(at);
    } else {
      const status = message.delivery_status || "queued";
      const label = document.createElement("span");
      label.className = "status-" + (status === "undelivered" ? "failed" : status);
      let text = STATUS_LABELS[status] || status;
      if (message.error) text += ": " + message.error;
      label.textContent = text;
      meta.append(label, " · " + timeOf(at));
      if (status === "queued" || status === "sending") item.classList.add("pending");
      if (status === "failed" || status === "undelivered") item.classList.add("failed");
    }
    item.appendChild(meta);
    return item;
  }

  // ---- The list of businesses: previews and unread dots ----

  function updateContacts(initial) {
    for (const contact of contacts) {
      const number = contact.dataset.number;
      const texts = state.messages.filter((m) => m.inbox_number === number);
      const replies = texts.filter((m) => m.direction === "to_phone").length;
      if (initial || !state.seen.has(number)) state.seen.set(number, replies);
      const preview = contact.querySelector(".contact-preview");
      const meta = contact.querySelector(".contact-meta");
      const last = texts[texts.length - 1];
      if (last) {
        preview.textContent = (last.direction === "from_phone" ? "You: " : "") + last.body;
      }
      preview.hidden = !last;
      meta.hidden = Boolean(last);
      const unread = number !== state.thread && replies > state.seen.get(number);
      contact.querySelector(".unread-dot").hidden = !unread;
    }
  }

  function markRead() {
    if (!state.thread) return;
    const replies = threadMessages().filter((m) => m.direction === "to_phone").length;
    state.seen.set(state.thread, replies);
    const contact = contactFor(state.thread);
    if (contact) contact.querySelector(".unread-dot").hidden = true;
  }

  function receive(messages, initial) {
    state.messages = Array.isArray(messages) ? messages : [];
    updateContacts(initial);
    render();
  }

  // ---- Polling ----

  async function poll() {
    if (!state.phone || document.hidden) return;
    try {
      const response = await fetch(
        "/simulator/api/messages?number=" + encodeURIComponent(state.phone),
        { headers: { Accept: "application/json" }, cache: "no-store" },
      );
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      if (data.number === state.phone) receive(data.messages, false);
      ui.connection.hidden = true;
    } catch (_) {
      ui.connection.hidden = false;
    }
  }

  function schedule() {
    window.clearTimeout(state.timer);
    state.timer = window.setTimeout(async () => {
      await poll();
      schedule();
    }, POLL_MS);
  }

  // ---- Sending ----

  function updateComposer() {
    const ready = Boolean(state.phone && state.thread);
    ui.body.disabled = !ready || state.sending;
    ui.send.disabled = !ready || state.sending || !ui.body.value.trim();
    if (!state.thread) {
      ui.body.placeholder = "Pick a business to text";
    } else {
      ui.body.placeholder = "Text message";
    }
  }

  function fitComposer() {
    // Set through the CSSOM (allowed by the CSP); max-height caps it in app.css.
    ui.body.style.height = "auto";
    ui.body.style.height = ui.body.scrollHeight + 2 + "px";
  }

  async function sendText() {
    const body = ui.body.value;
    if (!state.phone || !state.thread || !body.trim() || state.sending) return;
    state.sending = true;
    updateComposer();
    show(ui.sendError, "");
    try {
      const response = await fetch("/simulator/api/messages", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ from: state.phone, to: state.thread, body: body }),
      });
      if (response.status === 201) {
        ui.body.value = "";
        fitComposer();
        await poll();
      } else {
        show(ui.sendError, await problemText(response));
      }
    } catch (_) {
      show(ui.sendError, "Can't reach the server. Your text was not sent.");
    } finally {
      state.sending = false;
      updateComposer();
      ui.body.focus();
    }
  }

  // ---- Wiring ----

  function tick() {
    ui.clock.textContent = new Date().toLocaleTimeString([], {
      hour: "numeric",
      minute: "2-digit",
    }).replace(/\s?[AP]M$/i, "");
  }

  for (const contact of contacts) {
    // Each avatar in the list takes its inbox's colour.
    const avatar = contact.querySelector(".avatar");
    if (avatar) avatar.style.setProperty("--inbox-color", contact.dataset.color);
    contact.addEventListener("click", () => openThread(contact.dataset.number, true));
  }

  ui.phoneForm.addEventListener("submit", (event) => {
    event.preventDefault();
    usePhone(ui.phoneInput.value);
  });
  ui.phoneInput.addEventListener("change", () => usePhone(ui.phoneInput.value));
  ui.newNumber.addEventListener("click", () => usePhone(randomNumber()));

  ui.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    sendText();
  });
  ui.body.addEventListener("input", () => {
    fitComposer();
    updateComposer();
  });
  ui.body.addEventListener("keydown", (event) => {
    // Enter sends, Shift+Enter starts a new line (as in messaging apps).
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendText();
    }
  });
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) poll();
  });

  tick();
  window.setInterval(tick, 15000);
  // A link may name the phone and the thread: /simulator?number=…&to=…
  // (An unescaped "+" in a query string reads as a space: put it back.)
  const params = new URLSearchParams(window.location.search);
  const param = (name) => (params.get(name) || "").replace(/^ /, "+") || null;
  const remembered = param("to") || storageGet(STORE_THREAD);
  const first = contacts[0] ? contacts[0].dataset.number : null;
  const startThread = contactFor(remembered) ? remembered : first;
  const start = async () => {
    const stored = param("number") || storageGet(STORE_PHONE);
    // A remembered number the server no longer reads (its region changed): start afresh.
    if (!(stored && (await usePhone(stored)))) await usePhone(randomNumber());
    if (startThread) openThread(startThread, false);
    schedule();
  };
  start();
})();

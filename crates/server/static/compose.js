// Writing to customers: an SMS length and segment counter under every
// message box that has one (`data-sms-counter`), and on the New message
// page a contact picker under "To". Text from contacts is put in the page
// with textContent only.
(function () {
  "use strict";

  // GSM 03.38: the basic set costs one septet a character, the extension
  // set two; anything else makes the whole text UCS-2 (UTF-16 code units).
  var GSM = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var GSM_EXTENDED = "^{}\\[~]|€\f";

  // {length, segments, perSegment, unicode} of `text` as an SMS.
  function measure(text) {
    var septets = 0, gsm = true;
    for (var i = 0; i < text.length; i++) {
      var ch = text.charAt(i);
      if (GSM.indexOf(ch) !== -1) septets += 1;
      else if (GSM_EXTENDED.indexOf(ch) !== -1) septets += 2;
      else { gsm = false; break; }
    }
    var length = gsm ? septets : text.length;
    var single = gsm ? 160 : 70, multi = gsm ? 153 : 67;
    var segments = length === 0 ? 0 : length <= single ? 1 : Math.ceil(length / multi);
    return { length: length, segments: segments, perSegment: segments > 1 ? multi : single, unicode: !gsm };
  }
  window.switchboardSms = measure;

  function show(box) {
    var out = document.getElementById(box.dataset.smsCounter);
    if (!out) return;
    var m = measure(box.value);
    if (!m.length) { out.textContent = ""; return; }
    var capacity = Math.max(1, m.segments) * m.perSegment;
    out.textContent = m.length + "/" + capacity + " · " + m.segments + (m.segments === 1 ? " text" : " texts") +
      (m.unicode ? " · Unicode (emoji or special characters): " + m.perSegment + " a text" : "");
    out.classList.toggle("sms-counter-many", m.segments > 1);
  }
  document.addEventListener("input", function (e) {
    if (e.target.dataset && e.target.dataset.smsCounter) show(e.target);
  });
  document.querySelectorAll("[data-sms-counter]").forEach(show);

  // ---- Contact picker: "To" offers the contacts whose name, number or
  // email match what is typed; picking one fills in their number.
  var to = document.getElementById("compose-to");
  var picks = document.getElementById("contact-picks");
  var ws = picks ? picks.dataset.ws : "";
  if (!to || !picks) return;
  var timer = null, asked = "";
  function clearPicks() { picks.textContent = ""; picks.hidden = true; }
  function offer(items) {
    picks.textContent = "";
    items.filter(function (c) { return c.phone; }).slice(0, 8).forEach(function (c) {
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "contact-pick";
      var name = document.createElement("span");
      name.className = "contact-pick-name";
      name.textContent = c.name || c.phone;
      var detail = document.createElement("span");
      detail.className = "contact-pick-detail";
      detail.textContent = c.phone + (c.email ? " · " + c.email : "");
      button.appendChild(name);
      button.appendChild(detail);
      button.addEventListener("click", function () {
        to.value = c.phone;
        clearPicks();
        var body = document.getElementById("compose-body");
        if (body) body.focus();
      });
      li.appendChild(button);
      picks.appendChild(li);
    });
    picks.hidden = !picks.firstChild;
  }
  to.addEventListener("input", function () {
    clearTimeout(timer);
    var q = to.value.trim();
    // A number being typed in full needs no picker once it is long.
    if (q.length < 2) { clearPicks(); return; }
    timer = setTimeout(function () {
      asked = q;
      fetch("/api/v1/workspaces/" + ws + "/contacts?limit=8&q=" + encodeURIComponent(q), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (page) { if (asked === to.value.trim()) offer(page.items || []); })
        .catch(clearPicks);
    }, 200);
  });
  to.addEventListener("keydown", function (e) { if (e.key === "Escape") clearPicks(); });
})();

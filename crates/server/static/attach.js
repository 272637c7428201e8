// Attachments in the reply box: files picked, pasted or dropped are
// uploaded at once (POST /media) and shown as removable thumbnails; app.js
// sends their ids with the reply. The state is the list in the page
// (`#attachments li[data-media-id]`), so a composer opened in place starts
// empty. Names are shown with textContent, never as markup.
(function () {
  "use strict";

  var app = document.getElementById("app");
  if (!app) return;
  var api = "/api/v1/workspaces/" + app.dataset.ws;
  var csrf = app.dataset.csrf;
  var IMAGES = ["image/jpeg", "image/png", "image/gif"];

  function $(id) { return document.getElementById(id); }

  function showError(text) {
    var el = $("send-error");
    if (!el) return;
    el.textContent = text;
    el.hidden = !text;
  }

  function upload(file) {
    var list = $("attachments");
    if (!list) return;
    var item = document.createElement("li");
    item.className = "attachment uploading";
    if (IMAGES.indexOf(file.type) !== -1) {
      // A data: URL, which the page's Content-Security-Policy allows for
      // images (blob: it does not).
      var img = document.createElement("img");
      img.alt = file.name;
      var reader = new FileReader();
      reader.onload = function () { img.src = reader.result; };
      reader.readAsDataURL(file);
      item.appendChild(img);
    } else {
      var name = document.createElement("span");
      name.className = "attachment-name";
      name.textContent = file.name;
      item.appendChild(name);
    }
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "attachment-remove";
    remove.textContent = "×";
    remove.setAttribute("aria-label", "Remove " + file.name);
    remove.addEventListener("click", function () { item.remove(); });
    item.appendChild(remove);
    list.appendChild(item);
    fetch(api + "/media", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": file.type || "application/octet-stream", "X-CSRF-Token": csrf, "Accept": "application/json" },
      body: file
    }).then(function (r) {
      return r.json().then(function (answer) {
        if (!r.ok) throw new Error(file.name + ": " + (answer.detail || "couldn't upload"));
        item.dataset.mediaId = answer.media_id;
        item.classList.remove("uploading");
      });
    }).catch(function (error) {
      item.remove();
      showError(error && error.message && error.message.indexOf(file.name) === 0
        ? error.message : file.name + ": couldn't upload. Check your connection and try again.");
    });
  }

  function uploadAll(files) {
    if (!files || !files.length) return;
    showError("");
    Array.prototype.forEach.call(files, upload);
  }

  // Delegated: the composer is replaced when a conversation opens in place.
  document.addEventListener("change", function (e) {
    if (e.target && e.target.id === "attach-input") {
      uploadAll(e.target.files);
      e.target.value = "";
    }
  });
  document.addEventListener("paste", function (e) {
    if (!e.target || e.target.id !== "composer-body" || !e.clipboardData) return;
    if (e.clipboardData.files && e.clipboardData.files.length) {
      e.preventDefault();
      uploadAll(e.clipboardData.files);
    }
  });
  document.addEventListener("dragover", function (e) {
    if (e.target && e.target.closest && e.target.closest("#composer")) e.preventDefault();
  });
  document.addEventListener("drop", function (e) {
    var form = e.target && e.target.closest ? e.target.closest("#composer") : null;
    if (!form || !e.dataTransfer || !e.dataTransfer.files.length) return;
    e.preventDefault();
    if (form.dataset.mode === "note") { showError("Files go with a reply; switch to Reply to attach them."); return; }
    uploadAll(e.dataTransfer.files);
  });

  // What app.js asks before sending.
  window.switchboardAttachments = {
    busy: function () { return !!document.querySelector("#attachments .uploading"); },
    ids: function () {
      return Array.prototype.map.call(document.querySelectorAll("#attachments li[data-media-id]"),
        function (li) { return li.dataset.mediaId; });
    },
    clear: function () {
      document.querySelectorAll("#attachments li").forEach(function (li) { li.remove(); });
    }
  };
})();

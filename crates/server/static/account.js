// The Team, Profile, invitation and Integrations pages: copy an invitation
// link or the Slack app manifest, and
// preselect the browser's time zone where none is chosen yet. The pages
// work without this file.
(function () {
  "use strict";

  // Copy buttons: the text to copy is in the element named by data-copy-from.
  document.querySelectorAll("[data-copy-from]").forEach(function (button) {
    button.hidden = false;
    var label = button.textContent;
    button.addEventListener("click", function () {
      var source = document.getElementById(button.dataset.copyFrom);
      if (!source) return;
      var text = source.value || source.textContent;
      var done = function (said) {
        button.textContent = said;
        setTimeout(function () { button.textContent = label; }, 1500);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { done("Copied"); }, function () {
          if (source.select) source.select();
          done("Press Ctrl+C to copy");
        });
      } else {
        if (source.select) source.select();
        done("Press Ctrl+C to copy");
      }
    });
  });

  // A zone select with nothing chosen yet starts on the browser's zone.
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (_) { zone = ""; }
  document.querySelectorAll("select[data-default-browser-zone]").forEach(function (select) {
    if (select.value || !zone) return;
    var option = Array.prototype.find.call(select.options, function (o) { return o.value === zone; });
    if (option) select.value = zone;
  });
  document.querySelectorAll("input.browser-zone").forEach(function (input) { input.value = zone; });
})();

// Reload the page every data-seconds (fresh QR codes), but never while someone is typing in one of its
// forms: a half-written review note or minutes would be lost. Without scripts a <noscript> meta refresh
// does the reloading instead.
(function () {
  "use strict";
  var script = document.currentScript;
  var seconds = parseInt(script && script.getAttribute("data-seconds"), 10) || 180;

  function busy() {
    var fields = document.querySelectorAll("main input, main textarea, main select");
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (f === document.activeElement && f.type !== "hidden" && f.type !== "submit") { return true; }
      if ((f.type === "text" || f.type === "number" || f.tagName === "TEXTAREA" || !f.type) && f.value !== f.defaultValue) { return true; }
    }
    return false;
  }

  function tick() {
    if (busy()) { window.setTimeout(tick, 15000); } else { window.location.reload(); }
  }
  window.setTimeout(tick, seconds * 1000);
})();

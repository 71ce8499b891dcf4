// Keep part of a page fresh without losing what someone is typing. An element with data-refresh-url has
// its content replaced every data-refresh-seconds by the HTML fragment at that address, but never while any
// form on the page has the focus or holds something typed or changed: then it waits and tries again soon.
// Without scripts nothing refreshes by itself; the page has a plain "Refresh" link instead.
(function () {
  "use strict";
  var RETRY_MS = 1000;

  function changed(field) {
    var type = (field.type || "").toLowerCase();
    if (type === "hidden" || type === "submit" || type === "button" || type === "reset") { return false; }
    if (type === "checkbox" || type === "radio") { return field.checked !== field.defaultChecked; }
    if (field.tagName === "SELECT") {
      for (var i = 0; i < field.options.length; i++) {
        if (field.options[i].selected !== field.options[i].defaultSelected) { return true; }
      }
      return false;
    }
    return field.value !== field.defaultValue;
  }

  function busy() {
    var active = document.activeElement;
    if (active && active.form) { return true; }  // a field (or a form's button) has the focus
    for (var f = 0; f < document.forms.length; f++) {
      var elements = document.forms[f].elements;
      for (var e = 0; e < elements.length; e++) {
        if (changed(elements[e])) { return true; }
      }
    }
    return false;
  }

  function keepFresh(region) {
    var url = region.getAttribute("data-refresh-url");
    var seconds = parseFloat(region.getAttribute("data-refresh-seconds"));
    var period = (seconds > 0 ? seconds : 180) * 1000;

    function later(ms) { window.setTimeout(tick, ms); }

    function tick() {
      if (busy()) { later(Math.min(RETRY_MS, period)); return; }
      window.fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) {
          // a signed-out session is redirected to the login page: keep the last good content
          if (!response.ok || response.redirected) { throw new Error("not refreshed"); }
          return response.text();
        })
        .then(function (html) {
          if (busy()) { later(Math.min(RETRY_MS, period)); return; }  // typing began while we waited
          region.innerHTML = html;
          region.setAttribute("data-refreshed-at", String(Date.now()));
          later(period);
        })
        .catch(function () { later(period); });
    }

    later(period);
  }

  function start() {
    var regions = document.querySelectorAll("[data-refresh-url]");
    for (var i = 0; i < regions.length; i++) { keepFresh(regions[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

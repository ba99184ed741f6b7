// The counter page: single-key shortcuts (N, R, S, C, X, T) and a live panel that
// reloads itself when the floor changes (server-sent events from /counter/stream).
"use strict";
(function () {
  function typing(target) {
    return target && (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA");
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey || typing(event.target)) return;
    var button = document.querySelector('#panel button[data-key="' + event.key.toLowerCase() + '"]');
    if (button) { event.preventDefault(); button.click(); }
  });
  var refreshing = false, again = false;
  function refresh() {
    if (refreshing) { again = true; return; }
    refreshing = true;
    fetch("/counter/panel", { credentials: "same-origin" }).then(function (response) {
      if (response.status === 401) { window.location.reload(); return null; }
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html === null) return;
      var panel = document.getElementById("panel");
      var focused = document.activeElement && document.activeElement.closest("#panel");
      if (focused) return;  // never pull a button away from under the officer's keyboard
      var doc = new DOMParser().parseFromString(html, "text/html");
      var fresh = doc.querySelector(".columns");
      if (fresh) panel.replaceChildren(fresh);
    }).finally(function () {
      refreshing = false;
      if (again) { again = false; refresh(); }
    });
  }
  var source = new EventSource("/counter/stream");
  var first = true;
  source.addEventListener("changed", function () {
    if (first) { first = false; return; }
    refresh();
  });
})();

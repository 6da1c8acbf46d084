// Progressive enhancement only: every page works without this file.
// Shows each offered time in the visitor's own zone when it differs from the clinic's.
(function () {
  "use strict";
  var visitorZone;
  try { visitorZone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  var clinicZone = document.documentElement.getAttribute("data-clinic-zone");
  if (!visitorZone || !clinicZone || visitorZone === clinicZone) return;
  var format = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit", weekday: "short", timeZone: visitorZone });
  document.querySelectorAll("time[data-instant]").forEach(function (el) {
    var when = new Date(el.getAttribute("data-instant"));
    if (isNaN(when)) return;
    var label = document.createElement("span");
    label.className = "local-time";
    label.textContent = format.format(when) + " your time";
    el.appendChild(label);
  });
  document.querySelectorAll("[data-visitor-zone]").forEach(function (el) {
    el.textContent = "Times are shown in the clinic's time zone (" + clinicZone + "), with your own (" + visitorZone + ") beneath.";
  });
  document.querySelectorAll("input[name=client_zone]").forEach(function (el) { el.value = visitorZone; });
})();

// The back office's client search: results follow the typing (the same server-rendered
// page, fetched after a pause); without this file the Search button does the same.
(function () {
  "use strict";
  var input = document.getElementById("client-q");
  var results = document.getElementById("client-results");
  if (!input || !results || !window.fetch || !window.DOMParser) return;
  var form = input.form;
  var timer = null;
  var latest = 0;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      var url = form.getAttribute("action") + "?q=" + encodeURIComponent(q);
      var asked = ++latest;
      fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null || asked !== latest) return;
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("client-results");
          if (!fresh) return;
          results.innerHTML = fresh.innerHTML;
          history.replaceState(null, "", url);
        })
        .catch(function () {});
    }, 300);
  });
})();

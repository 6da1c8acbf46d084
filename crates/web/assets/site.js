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

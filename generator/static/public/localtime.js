// Optional: show each <time> in the reader's own zone, keeping the UTC text as its tooltip.
// The page is complete without it; it only rewrites text that already gives the UTC time.
(function () {
  var options = {year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
                 timeZoneName: "short"};
  document.querySelectorAll("time[datetime$='Z']").forEach(function (el) {
    var d = new Date(el.getAttribute("datetime"));
    if (isNaN(d)) return;
    el.title = el.textContent;
    el.textContent = d.toLocaleString(undefined, options);
  });
  var note = document.getElementById("tz-note");
  if (note) note.textContent = "Times are in your time zone; hover or long-press a time for UTC.";
})();

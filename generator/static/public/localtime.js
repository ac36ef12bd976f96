// Optional: show each <time> in the reader's own zone, keeping UTC in the tooltip.
// The page is complete without it; it only rewrites text that already says the UTC time.
document.querySelectorAll("time[datetime$='Z']").forEach(function (el) {
  var d = new Date(el.getAttribute("datetime"));
  if (isNaN(d)) return;
  el.title = el.textContent;
  el.textContent = d.toLocaleString(undefined, {dateStyle: "medium", timeStyle: "short", timeZoneName: "short"});
});

// Statuspress status widget. On any page:
//   <div data-statuspress></div>
//   <script src="https://STATUS-PAGE/embed/status.js" async></script>
// It reads api/v2/summary.json from the status page this script came from (no cookies, no other
// host), and shows the overall status, the affected components and the active incidents in a
// shadow root of each [data-statuspress] element, so the page's styles and the widget's do not
// mix. Text is set as text, never as HTML; links go only to http(s) addresses.
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !me.src || !window.fetch || !Element.prototype.attachShadow) return;
  // Icons and colours (white text on them meets WCAG AA) by indicator, and words by status: the
  // status page's own tables. The page's words are the API's description, as on its banner.
  var WORDS = __WORDS__;
  var CSS = ":host{display:block;font:inherit;color:inherit}" +
    ".line{margin:0;font-weight:600}.icon{display:inline-block;min-width:1.3em;margin-right:.35em;" +
    "border-radius:.25em;color:#fff;text-align:center;font-weight:700}" +
    "a{color:inherit;text-decoration:underline}ul{margin:.25em 0 0;padding-left:1.25em}";
  var api = new URL("../api/v2/summary.json", me.src).href;

  function node(tag, text, name) {
    var element = document.createElement(tag);
    if (text) element.textContent = text;
    if (name) element.className = name;
    return element;
  }

  function link(address, text) {
    var a = node("a", text);
    try {
      var url = new URL(address, api);
      if (url.protocol === "https:" || url.protocol === "http:") a.href = url.href;
    } catch (e) { /* no link: the text stays */ }
    a.target = "_blank";
    a.rel = "noopener";
    return a;
  }

  function show(root, data) {
    var state = WORDS.page[data.status.indicator] || ["?", "#444444"];
    var box = node("div");
    var line = node("p", "", "line");
    var icon = node("span", state[0], "icon");
    icon.style.background = state[1];
    icon.setAttribute("aria-hidden", "true");
    line.appendChild(icon);
    line.appendChild(link(data.page.url, data.status.description));
    box.appendChild(line);
    var list = node("ul");
    data.components.forEach(function (c) {
      if (!c.group && c.status !== "operational") {
        list.appendChild(node("li", c.name + ": " + (WORDS.component[c.status] || c.status)));
      }
    });
    data.incidents.concat(data.scheduled_maintenances).forEach(function (record) {
      if (record.status === "scheduled" || record.status === "completed") return;
      var item = node("li");
      item.appendChild(link(record.shortlink, record.name));
      item.appendChild(document.createTextNode(" (" + (WORDS.update[record.status] || record.status) + ")"));
      list.appendChild(item);
    });
    if (list.firstChild) box.appendChild(list);
    replace(root, box);
  }

  function replace(root, content) {
    while (root.lastChild && root.lastChild.nodeName !== "STYLE") root.removeChild(root.lastChild);
    root.appendChild(content);
  }

  var roots = [];

  function style(root) {
    // A constructed sheet is not inline style, so a strict Content-Security-Policy of the page allows it.
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      root.appendChild(node("style", CSS));
    }
  }

  function start() {
    roots = Array.prototype.map.call(document.querySelectorAll("[data-statuspress]"), function (host) {
      var root = host.shadowRoot || host.attachShadow({mode: "open"});
      style(root);
      return root;
    });
    if (!roots.length) return;
    load();
    setInterval(function () { if (!document.hidden) load(); }, 120000);
  }

  function load() {
    fetch(api, {credentials: "omit", mode: "cors", referrerPolicy: "no-referrer"})
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        roots.forEach(function (root) { show(root, data); });
      }, function () {
        roots.forEach(function (root) {
          var line = node("p", "", "line");
          line.appendChild(link(new URL("../", me.src).href, "Status unavailable: see the status page"));
          replace(root, line);
        });
      });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

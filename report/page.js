(function () {
  "use strict";
  // Sortable tables: click (or Enter on) a heading. Numbers sort by data-v.
  function sortBy(th) {
    var row = th.parentNode, table = th.closest("table"), body = table.tBodies[0];
    var col = Array.prototype.indexOf.call(row.children, th);
    var numeric = th.getAttribute("data-t") === "n";
    var asc = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(row.children, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var key = function (tr) {
      var td = tr.cells[col], v = td.hasAttribute("data-v") ? td.getAttribute("data-v") : td.textContent;
      return numeric ? parseFloat(v) : v.toLowerCase();
    };
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a), y = key(b), c = x < y ? -1 : x > y ? 1 : 0;
      return asc ? c : -c;
    });
    rows.forEach(function (tr) { body.appendChild(tr); });
  }
  document.querySelectorAll("table.sortable th").forEach(function (th) {
    th.tabIndex = 0;
    th.addEventListener("click", function () { sortBy(th); });
    th.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(th); }
    });
  });

  // Treemap: one SVG per directory; click a directory to open its view.
  var up = document.getElementById("tm-up"), crumb = document.getElementById("tm-crumb");
  var info = document.getElementById("tm-info");
  function show(id) {
    var target = document.getElementById("tm-" + id);
    if (!target) { return false; }
    document.querySelectorAll("svg.tm").forEach(function (s) { s.classList.toggle("off", s !== target); });
    crumb.textContent = target.getAttribute("data-name");
    var parent = target.getAttribute("data-parent");
    up.disabled = parent === "-1";
    up.setAttribute("data-to", parent);
    return true;
  }
  // #tm-N opens directory view N: a link to a place in the tree.
  function follow(scroll) {
    var m = /^#tm-(\d+)$/.exec(location.hash);
    if (m && show(m[1]) && scroll) { document.getElementById("tree").scrollIntoView(); }
  }
  function go(id) {
    if (show(id)) {
      try { history.replaceState(null, "", "#tm-" + id); } catch (e) { /* file:// may refuse */ }
    }
  }
  if (up) {
    up.addEventListener("click", function () { go(up.getAttribute("data-to")); });
  }
  document.querySelectorAll("svg.tm g.node").forEach(function (g) {
    g.addEventListener("click", function () {
      if (g.hasAttribute("data-go")) { go(g.getAttribute("data-go")); }
    });
    g.addEventListener("mouseover", function (e) {
      var t = e.target.querySelector && e.target.querySelector("title");
      if (!t) { t = g.querySelector("title"); }
      if (t && info) { info.textContent = t.textContent; }
    });
  });

  follow(true);
  window.addEventListener("hashchange", function () { follow(false); });

  // For tests and the curious: the script ran, and when the page loaded.
  document.documentElement.setAttribute("data-js", "ok");
  window.addEventListener("load", function () {
    document.documentElement.setAttribute("data-load-ms", String(Math.round(performance.now())));
  });
})();

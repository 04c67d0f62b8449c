// Filters for the meshready report. Rows are already in the page; filtering
// only toggles their hidden attribute. The filters live in the URL hash
// (#severity=error&chart=so), so links share a view and the matrix cells
// are plain links.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var keys = ["severity", "family", "rule", "chart", "status"];
  var rows = document.querySelectorAll("li.finding");
  var sections = document.querySelectorAll("section.chart");
  var fixed = document.getElementById("fixed");
  var shown = document.getElementById("shown");

  function control(k) { return form.elements.namedItem(k); }
  function read() {
    var f = {};
    keys.forEach(function (k) { var c = control(k); f[k] = c ? c.value : ""; });
    return f;
  }
  function matches(d, f) {
    return (!f.severity || d.sev === f.severity) && (!f.family || d.family === f.family) &&
      (!f.rule || d.rule === f.rule) && (!f.chart || d.chart === f.chart) &&
      (!f.status || d.status === f.status);
  }
  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function apply() {
    var f = read();
    var narrowed = f.severity || f.family || f.rule || f.status;
    var perChart = Object.create(null);
    var n = 0, total = 0, nFixed = 0, totalFixed = 0;
    for (var i = 0; i < rows.length; i++) {
      var li = rows[i], d = li.dataset, ok = Boolean(matches(d, f));
      if (li.hidden === ok) { li.hidden = !ok; }
      if (d.status === "fixed") { totalFixed++; if (ok) { nFixed++; } continue; }
      total++;
      if (ok) { n++; perChart[d.chart] = (perChart[d.chart] || 0) + 1; }
    }
    var charts = 0;
    sections.forEach(function (s) {
      var c = s.dataset.chart, k = perChart[c] || 0, all = +s.dataset.findings;
      // A chart that failed to render stays listed unless the filters ask
      // for particular rules or changes.
      var vis = (!f.chart || f.chart === c) &&
        (!narrowed || k > 0 || (s.hasAttribute("data-failed") && !(f.family || f.rule || f.status)));
      if (s.hidden === vis) { s.hidden = !vis; }
      if (vis) { charts++; }
      var out = s.querySelector(".shown");
      out.textContent = narrowed && k !== all ? "(showing " + k + " of " + all + ")" : "";
    });
    if (fixed) { fixed.hidden = nFixed === 0; }
    var text = "Showing " + n + " of " + plural(total, "finding", "findings") + " in " + charts + " of " +
      plural(sections.length, "chart", "charts");
    if (totalFixed) { text += "; " + nFixed + " of " + totalFixed + " fixed since the baseline"; }
    shown.textContent = text + ".";
    document.body.setAttribute("data-visible", String(n));
  }

  // fromHash sets the controls from #k=v&...; plain anchors (#fixed) are not filters.
  function fromHash() {
    var h = location.hash.slice(1);
    if (h.indexOf("=") < 0) { return false; }
    var p = new URLSearchParams(h);
    keys.forEach(function (k) {
      var c = control(k);
      if (!c) { return; }
      var v = p.get(k) || "";
      c.value = v;
      if (c.value !== v) { c.value = ""; } // not an option here: ignore it
    });
    return true;
  }
  function toHash() {
    var f = read(), p = new URLSearchParams();
    keys.forEach(function (k) { if (f[k]) { p.set(k, f[k]); } });
    var s = p.toString();
    try {
      history.replaceState(null, "", s ? "#" + s : location.pathname + location.search);
    } catch (e) { /* some file:// setups refuse; the filters still apply */ }
  }
  // reveal opens the chart the filters name and, on request, moves there.
  function reveal(move) {
    var c = read().chart;
    if (!c) { return; }
    for (var i = 0; i < sections.length; i++) {
      if (sections[i].dataset.chart !== c) { continue; }
      var d = sections[i].querySelector("details");
      d.open = true;
      if (move) { sections[i].scrollIntoView(); d.querySelector("summary").focus(); }
      return;
    }
  }
  function openAll(open) {
    sections.forEach(function (s) { if (!s.hidden) { s.querySelector("details").open = open; } });
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("change", function () { apply(); toHash(); reveal(false); });
  document.getElementById("f-clear").addEventListener("click", function () {
    keys.forEach(function (k) { var c = control(k); if (c) { c.value = ""; } });
    apply(); toHash();
  });
  document.getElementById("f-expand").addEventListener("click", function () { openAll(true); });
  document.getElementById("f-collapse").addEventListener("click", function () { openAll(false); });
  window.addEventListener("hashchange", function () {
    if (fromHash()) { apply(); reveal(true); }
  });
  // A filter link to the hash already set fires no hashchange: apply it anyway.
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest('a[href^="#"]');
    if (a && a.getAttribute("href").indexOf("=") > 0 && a.hash === location.hash) {
      e.preventDefault();
      fromHash(); apply(); reveal(true);
    }
  });

  fromHash();
  apply();
  reveal(false);
  // Readiness time, from navigation start to here, after a forced layout:
  // the report test reads it from the DOM.
  void document.body.offsetHeight;
  document.body.setAttribute("data-ready-ms", performance.now().toFixed(1));
})();

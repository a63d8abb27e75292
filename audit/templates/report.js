/* audit HTML report: filters, jump to highlight, tooltips, sortable tables.
   Reads finding data from the inline JSON block; writes text only with textContent. */
(function () {
  "use strict";
  var dataEl = document.getElementById("audit-data");
  var data = dataEl ? JSON.parse(dataEl.textContent) : { findings: {} };
  var F = data.findings || {};
  var items = Array.prototype.slice.call(document.querySelectorAll("li.finding"));
  var marks = Array.prototype.slice.call(document.querySelectorAll("mark.hl"));
  var bar = document.getElementById("filters");
  var countEl = document.getElementById("filter-count");

  function checked(name) {
    var out = {};
    if (!bar) { return out; }
    bar.querySelectorAll('input[name="' + name + '"]').forEach(function (el) { out[el.value] = el.checked; });
    return out;
  }

  var state = { sev: {}, cat: {}, rule: "", sup: false };
  function readState() {
    state.sev = checked("sev");
    state.cat = checked("cat");
    var sel = document.getElementById("rule-filter");
    state.rule = sel ? sel.value : "";
    var sup = bar ? bar.querySelector('input[name="sup"]') : null;
    state.sup = !!(sup && sup.checked);
  }

  function visible(id) {
    var f = F[id];
    if (!f) { return false; }
    if (f.st !== "open" && !state.sup) { return false; }
    if (state.sev[f.s] === false) { return false; }
    if (state.cat[f.c] === false) { return false; }
    if (state.rule && f.r !== state.rule) { return false; }
    return true;
  }

  function apply() {
    readState();
    var shown = 0;
    var perArticle = {};
    items.forEach(function (li) {
      var on = visible(li.getAttribute("data-f"));
      li.hidden = !on;
      if (on) {
        shown += 1;
        var art = li.closest("section.article");
        if (art) { perArticle[art.id] = (perArticle[art.id] || 0) + 1; }
      }
    });
    marks.forEach(function (m) {
      var shownIds = m.getAttribute("data-f").split(" ").filter(visible);
      var off = shownIds.length === 0;
      m.classList.toggle("off", off);
      // A highlight whose findings are all filtered out is skipped by the keyboard and by
      // screen readers; the others announce only the findings shown.
      m.tabIndex = off ? -1 : 0;
      m.setAttribute("aria-label", shownIds.map(function (id) { return F[id].r + " " + F[id].n + ": " + F[id].m; }).join("; "));
      if (off) { m.setAttribute("aria-hidden", "true"); } else { m.removeAttribute("aria-hidden"); }
    });
    document.querySelectorAll("[data-count-for]").forEach(function (el) {
      el.textContent = String(perArticle[el.getAttribute("data-count-for")] || 0);
    });
    if (countEl) {
      countEl.textContent = "Showing " + shown + " of " + items.length + " findings";
    }
  }

  if (bar) {
    bar.addEventListener("change", apply);
  }

  /* The sticky filter bar's height (it wraps on narrow windows): link targets and the findings
     panel stop below it. */
  function barHeight() {
    if (bar) { document.documentElement.style.setProperty("--bar", bar.offsetHeight + "px"); }
  }
  barHeight();
  window.addEventListener("resize", barHeight);

  /* Jump from a finding in the list to its highlight. */
  var flashTimer = null;
  function flash(els) {
    document.querySelectorAll("mark.flash").forEach(function (m) { m.classList.remove("flash"); });
    els.forEach(function (m) { m.classList.add("flash"); });
    if (flashTimer) { clearTimeout(flashTimer); }
    flashTimer = setTimeout(function () { els.forEach(function (m) { m.classList.remove("flash"); }); }, 2200);
  }
  function marksFor(id) {
    return marks.filter(function (m) { return m.getAttribute("data-f").split(" ").indexOf(id) !== -1; });
  }
  function selectItem(li) {
    document.querySelectorAll("li.finding.current").forEach(function (x) { x.classList.remove("current"); });
    if (li) { li.classList.add("current"); }
  }
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest ? ev.target.closest("a.jump") : null;
    if (a) {
      var id = a.getAttribute("data-f");
      var ms = marksFor(id);
      selectItem(a.closest("li.finding"));
      if (ms.length) {
        ev.preventDefault();
        ms[0].scrollIntoView({ block: "center", behavior: "auto" });
        flash(ms);
        ms[0].focus({ preventScroll: true });
      }
      return;
    }
    var m = ev.target.closest ? ev.target.closest("mark.hl") : null;
    if (m) {
      var first = m.getAttribute("data-f").split(" ").filter(visible)[0];
      var li = first !== undefined ? document.getElementById("f" + first) : null;
      if (li) {
        selectItem(li);
        var aside = li.closest("aside.notes");
        if (aside) { aside.scrollTop += li.getBoundingClientRect().top - aside.getBoundingClientRect().top - 40; }
      }
    }
  });

  /* Tooltips: rule, message and fix of every finding under the pointer. */
  var tip = document.getElementById("tip");
  marks.forEach(function (m) {
    m.removeAttribute("title");  // (the tooltip and apply()'s aria-label say it, for the findings shown)
  });
  var tipFor = null;
  function showTip(m) {
    if (!tip || m.classList.contains("off")) { return; }
    tipFor = m;
    while (tip.firstChild) { tip.removeChild(tip.firstChild); }
    m.getAttribute("data-f").split(" ").filter(visible).forEach(function (id) {
      var f = F[id];
      var p = document.createElement("p");
      var b = document.createElement("b");
      b.textContent = f.r + " " + f.n;
      p.appendChild(b);
      p.appendChild(document.createTextNode(" · " + f.s + " — " + f.m));
      tip.appendChild(p);
      if (f.x) {
        var fx = document.createElement("p");
        fx.className = "fx";
        fx.textContent = "Fix: " + f.x;
        tip.appendChild(fx);
      }
    });
    if (!tip.firstChild) { return; }
    tip.hidden = false;
    var r = m.getBoundingClientRect();
    var w = tip.offsetWidth, h = tip.offsetHeight;
    var left = Math.min(Math.max(8, r.left), window.innerWidth - w - 8);
    var top = r.bottom + 8;
    if (top + h > window.innerHeight - 8) { top = Math.max(8, r.top - h - 8); }
    tip.style.left = left + "px";
    tip.style.top = top + "px";
  }
  function hideTip() { if (tip) { tip.hidden = true; } tipFor = null; }
  document.addEventListener("mouseover", function (ev) {
    var m = ev.target.closest ? ev.target.closest("mark.hl") : null;
    if (m) { showTip(m); } else { hideTip(); }
  });
  document.addEventListener("focusin", function (ev) {
    if (ev.target.matches && ev.target.matches("mark.hl")) { showTip(ev.target); } else { hideTip(); }
  });
  window.addEventListener("scroll", function () {
    // Follow the highlight still under the pointer or focused; otherwise hide.
    if (tipFor && (tipFor.matches(":hover") || tipFor === document.activeElement)) { showTip(tipFor); } else { hideTip(); }
  }, { passive: true });

  /* Sortable tables. A cell sorts by its data-sort attribute, or else by its text. */
  function sortKey(cell) {
    var v = cell.getAttribute("data-sort");
    return v === null ? cell.textContent.trim() : v;
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = Array.prototype.slice.call(table.querySelectorAll("thead th"));
    heads.forEach(function (th, col) {
      var btn = th.querySelector("button");
      if (!btn) { return; }
      btn.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        if (th.getAttribute("aria-sort") === null && btn.getAttribute("data-type") !== "text") { asc = false; }
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = sortKey(a.cells[col]);
          var y = sortKey(b.cells[col]);
          var nx = parseFloat(x), ny = parseFloat(y);
          var c;
          if (x === "" && y === "") { c = 0; }
          else if (x === "") { return 1; }
          else if (y === "") { return -1; }
          else if (!isNaN(nx) && !isNaN(ny)) { c = nx - ny; }
          else { c = x.localeCompare(y); }
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });

  /* Print everything, expanded; say on paper which findings the filters left out. */
  var printNote = null;
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
    var shown = items.filter(function (li) { return !li.hidden; }).length;
    if (bar && shown < items.length) {
      if (!printNote) {
        printNote = document.createElement("p");
        printNote.className = "print-note";
        bar.parentNode.insertBefore(printNote, bar.nextSibling);
      }
      var off = [];
      bar.querySelectorAll('input[name="sev"], input[name="cat"]').forEach(function (el) {
        if (!el.checked) { off.push(el.closest("label") ? el.closest("label").textContent.trim() : el.value); }
      });
      if (state.rule) { off.push("rules other than " + state.rule); }
      if (!state.sup && bar.querySelector('input[name="sup"]')) { off.push("suppressed findings"); }
      printNote.textContent = "Printed with filters: " + shown + " of " + items.length +
        " findings shown (left out: " + off.join(", ") + ").";
    } else if (printNote) {
      printNote.textContent = "";
    }
  });

  apply();
}());

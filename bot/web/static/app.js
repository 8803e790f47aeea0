/* kinerja-bot Mini App: draws the pages from the JSON calls of bot/web/pages.py.
 *
 * No library and no framework. Every text from the server goes into the page with
 * textContent (never innerHTML), so names with < & or emoji show as typed. The launch data
 * comes from Telegram.WebApp when telegram-web-app.js has loaded, else from the URL fragment
 * (tgWebAppData), so the page works when that script cannot load.
 */
(function () {
  "use strict";

  var body = document.body;
  var BASE = body.getAttribute("data-base") || "";
  var REFRESH_MS = 30000;
  var LOCALES = { id: "id-ID", en: "en-GB" };
  var SVG = "http://www.w3.org/2000/svg";

  var state = {
    launch: "",
    lang: "id",
    tz: "Asia/Jakarta",
    labels: {},
    viewer: null,
    view: { page: body.getAttribute("data-page") || "me", params: {} },
    stack: [],
    data: null,
    asOf: null,
    failed: false,
    team: { sort: "name", dir: 1, q: "", unit: "" },
    loading: false
  };

  // --- launch data and theme -------------------------------------------------------------

  function telegram() {
    return window.Telegram && window.Telegram.WebApp ? window.Telegram.WebApp : null;
  }

  function fragment() {
    try {
      return new URLSearchParams(location.hash.replace(/^#/, ""));
    } catch (e) {
      return new URLSearchParams("");
    }
  }

  function readLaunch() {
    var tg = telegram();
    if (tg && tg.initData) return tg.initData;
    var fromHash = fragment().get("tgWebAppData");
    if (fromHash) {
      try { sessionStorage.setItem("kinerja.tma", fromHash); } catch (e) { /* private mode */ }
      return fromHash;
    }
    try { return sessionStorage.getItem("kinerja.tma") || ""; } catch (e) { return ""; }
  }

  function applyTheme() {
    var tg = telegram();
    var params = tg && tg.themeParams ? tg.themeParams : null;
    if (!params) {
      try { params = JSON.parse(fragment().get("tgWebAppThemeParams") || "null"); } catch (e) { params = null; }
    }
    if (!params) return;
    var root = document.documentElement.style;
    Object.keys(params).forEach(function (key) {
      var value = String(params[key]);
      if (/^#[0-9a-fA-F]{3,8}$/.test(value)) root.setProperty("--tg-theme-" + key.replace(/_/g, "-"), value);
    });
    if (tg && tg.colorScheme) document.documentElement.setAttribute("data-scheme", tg.colorScheme);
  }

  function telegramReady() {
    var tg = telegram();
    if (!tg) return;
    try { tg.ready(); tg.expand(); } catch (e) { /* an old client */ }
    if (!state.launch && tg.initData) state.launch = tg.initData;
    applyTheme();
    try { tg.onEvent("themeChanged", applyTheme); } catch (e) { /* an old client */ }
  }

  // --- building the page (text only, never HTML) ------------------------------------------

  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === null || value === undefined || value === false) return;
        if (key === "onclick" || key === "oninput" || key === "onchange") node[key] = value;
        else node.setAttribute(key, value === true ? "" : String(value));
      });
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    if (children === null || children === undefined) return;
    if (!Array.isArray(children)) children = [children];
    children.forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      if (Array.isArray(child)) append(node, child);
      else node.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
    });
  }

  function s(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, String(attrs[key])); });
    return node;
  }

  function L(key) { return state.labels[key] || key; }

  // --- numbers and dates in the reader's language ----------------------------------------

  function locale() { return LOCALES[state.lang] || "id-ID"; }

  function num(value) {
    if (value === null || value === undefined) return "–";
    return new Intl.NumberFormat(locale(), { maximumFractionDigits: 2 }).format(value);
  }

  function pct(ratio) {
    if (ratio === null || ratio === undefined) return "–";
    return new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 1 }).format(ratio);
  }

  function day(iso) {
    if (!iso) return L("never");
    return new Intl.DateTimeFormat(locale(), { timeZone: state.tz, day: "numeric", month: "short", year: "numeric" }).format(new Date(iso));
  }

  function clock(iso) {
    return new Intl.DateTimeFormat(locale(), { timeZone: state.tz, day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", second: "2-digit" }).format(new Date(iso));
  }

  // --- charts: inline SVG, no library ----------------------------------------------------

  /* Horizontal bars: rows of {label, value (0..), note}; a dashed line at 100 %. */
  function barChart(rows, opts) {
    opts = opts || {};
    if (!rows.length) return null;
    var width = 340, rowH = 22, labelW = 120, left = labelW + 6, barW = width - left - 52;
    var shown = rows.slice(0, opts.max || 20);
    var height = Math.max(1, shown.length) * rowH + 8;
    var maxValue = Math.max(1, Math.max.apply(null, shown.map(function (r) { return r.value || 0; }).concat([1])));
    var svg = s("svg", { viewBox: "0 0 " + width + " " + height, width: "100%", role: "img", "class": "chart" });
    if (opts.title) { var title = s("title"); title.textContent = opts.title; svg.appendChild(title); }
    shown.forEach(function (row, i) {
      var y = i * rowH + 4;
      var label = s("text", { x: labelW, y: y + 14, "text-anchor": "end", "class": "chart-label" });
      label.textContent = row.label.length > 18 ? row.label.slice(0, 17) + "…" : row.label;
      svg.appendChild(label);
      var w = Math.max(0, Math.min(row.value || 0, maxValue)) / maxValue * barW;
      svg.appendChild(s("rect", { x: left, y: y + 3, width: barW, height: rowH - 8, rx: 3, "class": "chart-track" }));
      svg.appendChild(s("rect", { x: left, y: y + 3, width: w, height: rowH - 8, rx: 3, "class": "chart-bar " + (row.cls || "") }));
      var value = s("text", { x: left + barW + 4, y: y + 14, "class": "chart-value" });
      value.textContent = row.note;
      svg.appendChild(value);
    });
    if (opts.goal) {
      var gx = left + Math.min(1, 1 / maxValue) * barW;
      svg.appendChild(s("line", { x1: gx, x2: gx, y1: 0, y2: height, "class": "chart-goal" }));
    }
    return svg;
  }

  /* One stacked bar per row: parts of {key, value}; colours by key (predikat). */
  function stackChart(rows, keys) {
    if (!rows.length) return null;
    var width = 340, rowH = 22, labelW = 80, left = labelW + 6, barW = width - left - 4;
    var height = Math.max(1, rows.length) * rowH + 8;
    var svg = s("svg", { viewBox: "0 0 " + width + " " + height, width: "100%", role: "img", "class": "chart" });
    rows.forEach(function (row, i) {
      var y = i * rowH + 4, x = left;
      var total = keys.reduce(function (sum, k) { return sum + (row.parts[k] || 0); }, 0);
      var label = s("text", { x: labelW, y: y + 14, "text-anchor": "end", "class": "chart-label" });
      label.textContent = row.label.length > 12 ? row.label.slice(0, 11) + "…" : row.label;
      svg.appendChild(label);
      svg.appendChild(s("rect", { x: left, y: y + 3, width: barW, height: rowH - 8, rx: 3, "class": "chart-track" }));
      keys.forEach(function (k, j) {
        var w = total ? (row.parts[k] || 0) / total * barW : 0;
        if (w > 0) svg.appendChild(s("rect", { x: x, y: y + 3, width: w, height: rowH - 8, "class": "stack-" + j }));
        x += w;
      });
    });
    return svg;
  }

  // --- tables with CSV of what is shown -----------------------------------------------------

  function csvCell(value) {
    var text = value === null || value === undefined ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = "'" + text; // no formulas in a spreadsheet
    return /[",\n;]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function download(name, columns, rows) {
    var lines = [columns.map(function (c) { return csvCell(c.label); }).join(",")];
    rows.forEach(function (row) {
      lines.push(columns.map(function (c) { return csvCell(c.csv ? c.csv(row) : c.text(row)); }).join(","));
    });
    var blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
    var link = h("a", { href: URL.createObjectURL(blob), download: name + ".csv" });
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }

  /* columns: {label, text(row) -> string or node, num, csv(row), sort(row)} */
  function table(columns, rows, opts) {
    opts = opts || {};
    var head = h("tr", null, columns.map(function (c, i) {
      var mark = opts.sortIndex === i ? (opts.sortDir > 0 ? " ▲" : " ▼") : "";
      var cell = h("th", { "class": c.num ? "num" : null, scope: "col" }, opts.onSort
        ? h("button", { type: "button", "class": "link", onclick: function () { opts.onSort(i); } }, c.label + mark)
        : c.label);
      return cell;
    }));
    var bodyRows = rows.map(function (row) {
      return h("tr", null, columns.map(function (c) { return h("td", { "class": c.num ? "num" : null }, c.text(row)); }));
    });
    var parts = [h("div", { "class": "scroll" }, h("table", null, [h("thead", null, head), h("tbody", null, bodyRows)]))];
    if (!rows.length) parts.push(h("p", { "class": "muted" }, L("nothing")));
    if (opts.csv) {
      parts.push(h("button", { type: "button", "class": "csv", onclick: function () { download(opts.csv, columns, rows); } }, L("csv")));
    }
    return parts;
  }

  function section(title, children, id) {
    return h("section", { "class": "card", id: id || null }, [h("h2", null, title), children]);
  }

  function stat(label, value, id) {
    return h("div", { "class": "stat", id: id || null }, [h("div", { "class": "stat-value" }, value), h("div", { "class": "stat-label" }, label)]);
  }

  // --- pages ---------------------------------------------------------------------------------

  function summaryParts(summary, ownPage) {
    var lines = summary.lines || [];
    var quant = lines.filter(function (l) { return l.ratio !== null && l.ratio !== undefined; });
    var parts = [h("div", { "class": "stats" }, [
      stat(L("overall"), pct(summary.overall), "overall"),
      stat(L("days_left"), num(summary.days_left), "days-left"),
      stat(L("last_report"), day(summary.last_report))
    ])];
    if (quant.length) {
      parts.push(section(L("progress"), barChart(quant.map(function (l) {
        return { label: l.title, value: l.ratio, note: pct(l.ratio), cls: l.ratio >= 1 ? "done" : "" };
      }), { goal: true, title: L("progress") })));
    }
    parts.push(section(L("targets"), lines.length ? table([
      { label: L("target"), text: function (l) { return l.title; } },
      { label: L("achieved"), num: true, text: function (l) {
        return l.target_amount === null || l.target_amount === undefined
          ? L("qualitative") : num(l.achieved) + " / " + num(l.target_amount) + " " + (l.unit || "");
      } },
      { label: L("progress"), num: true, text: function (l) { return pct(l.ratio); } },
      { label: L("reports"), num: true, text: function (l) { return num(l.reports); } },
      { label: L("last_report"), text: function (l) { return day(l.last_report); } }
    ], lines, { csv: ownPage ? "targets" : null }) : h("p", { "class": "muted" }, L("no_targets")), "targets"));
    var multi = lines.filter(function (l) { return l.rhk && l.rhk.ikis && l.rhk.ikis.length > 1; });
    if (multi.length) {
      parts.push(section(L("indicators"), h("div", null, multi.map(function (l) {
        return h("details", { "class": "rhk" }, [
          h("summary", null, [l.title, " — ", pct(l.rhk.ratio)]),
          h("ul", null, l.rhk.ikis.map(function (iki) {
            var value = iki.measure === "qualitative"
              ? (iki.assessment ? L("expectation_" + iki.assessment) : "–")
              : (iki.measured !== null ? num(iki.measured) : "–") +
                (iki.target_amount !== null ? " / " + num(iki.target_amount) : "") + " " + (iki.unit || "");
            return h("li", null, [L("aspect_" + iki.aspect), ": ", iki.text || l.title, " (", L("measure_" + iki.measure), ") — ",
              value, " · ", iki.percent !== null ? pct(iki.percent / 100) : "–"]);
          })),
          l.rhk.capped ? h("p", { "class": "muted" }, L("capped")) : null
        ]);
      }))));
    }
    if ((summary.waiting || []).length) {
      parts.push(section(L("waiting"), h("ul", null, summary.waiting.map(function (w) { return h("li", null, w.title); }))));
    }
    if ((summary.contributions || []).length) {
      parts.push(section(L("contributions"), h("ul", null, summary.contributions.map(function (c) {
        return h("li", null, [c.parent_title, " — ", c.leader_name, ": ", num(c.achieved), " ", c.unit, " (", pct(c.share), ")"]);
      }))));
    }
    return parts;
  }

  function reportList(reports) {
    if (!reports.length) return h("p", { "class": "muted" }, L("no_reports"));
    return h("ul", { "class": "items" }, reports.map(function (r) {
      return h("li", null, [h("div", { "class": "item-head" }, [h("strong", null, r.title), h("span", { "class": "muted" }, day(r.created_at))]),
        r.amount !== null && r.amount !== undefined ? h("div", null, num(r.amount) + " " + (r.unit || "")) : null,
        r.note ? h("div", { "class": "muted" }, r.note) : null]);
    }));
  }

  function renderMe(data) {
    var parts = [h("h1", null, [state.viewer.name, h("small", null, data.summary.period.name)])];
    parts.push(summaryParts(data.summary, true));
    parts.push(section(L("recent_reports"), reportList(data.reports), "reports"));
    parts.push(section(L("feedback"), data.feedback.length ? h("ul", { "class": "items" }, data.feedback.map(function (f) {
      return h("li", null, [h("div", { "class": "item-head" }, [h("strong", null, f.kind_label), h("span", { "class": "muted" }, day(f.created_at))]),
        h("div", null, f.text), h("div", { "class": "muted" }, L("from") + ": " + f.leader)]);
    })) : h("p", { "class": "muted" }, L("no_feedback")), "feedback"));
    return parts;
  }

  var TEAM_SORTS = ["name", "unit", "achievement", "last_report", "flags"];

  function flagsOf(m) {
    var flags = [];
    if (m.stale) flags.push(["stale", "⚠", L("stale")]);
    if (m.pending) flags.push(["pending", "⏳", L("pending")]);
    if (m.leads) flags.push(["leads", "👥", L("leads")]);
    return flags;
  }

  function teamSortValue(m, key) {
    if (key === "flags") return flagsOf(m).length;
    if (key === "achievement") return m.achievement === null ? -1 : m.achievement;
    if (key === "last_report") return m.last_report || "";
    return (m[key] || "").toLocaleLowerCase();
  }

  function renderTeam(data) {
    var t = state.team;
    var q = t.q.toLocaleLowerCase();
    var members = data.members.filter(function (m) {
      if (t.unit && String(m.unit_id || 0) !== t.unit) return false;
      return !q || m.name.toLocaleLowerCase().indexOf(q) >= 0 || (m.unit || "").toLocaleLowerCase().indexOf(q) >= 0;
    });
    members.sort(function (a, b) {
      var x = teamSortValue(a, t.sort), y = teamSortValue(b, t.sort);
      return (x < y ? -1 : x > y ? 1 : 0) * t.dir || a.name.localeCompare(b.name);
    });
    var units = {};
    data.members.forEach(function (m) { units[String(m.unit_id || 0)] = m.unit || "–"; });
    var columns = [
      { label: L("name"), text: function (m) { return h("button", { type: "button", "class": "link", onclick: function () { go("member", { id: m.id }); } }, m.name); }, csv: function (m) { return m.name; } },
      { label: L("unit"), text: function (m) { return m.unit || "–"; } },
      { label: L("achievement"), num: true, text: function (m) { return pct(m.achievement); }, csv: function (m) { return m.achievement === null ? "" : pct(m.achievement); } },
      { label: L("last_report"), text: function (m) { return day(m.last_report); } },
      { label: L("flags"), text: function (m) {
        var marks = flagsOf(m).map(function (f) { return h("span", { "class": "flag flag-" + f[0], title: f[2] }, f[1]); });
        if (m.leads) marks.push(h("button", { type: "button", "class": "chip", onclick: function () { go("team", { leader: m.id }); } }, L("open_team")));
        return marks;
      }, csv: function (m) { return flagsOf(m).map(function (f) { return f[2]; }).join("; "); } }
    ];
    var parts = [h("h1", null, [data.own ? L("tab_team") : L("team_of") + " " + data.leader, h("small", null, data.period.name)])];
    parts.push(h("div", { "class": "stats" }, [
      stat(L("members"), num(data.members.length), "members-count"),
      stat(L("team_achievement"), pct(data.achievement), "team-achievement"),
      stat(L("stale"), num(data.stale)),
      stat(L("pending"), num(data.pending))
    ]));
    var search = h("input", { type: "search", placeholder: L("search"), value: t.q, "aria-label": L("search"), id: "team-search" });
    search.oninput = function () { state.team.q = search.value; redraw(true); };
    var select = h("select", { "aria-label": L("unit"), id: "team-unit" }, [h("option", { value: "" }, L("all_units"))].concat(
      Object.keys(units).sort(function (a, b) { return units[a].localeCompare(units[b]); }).map(function (id) {
        return h("option", { value: id, selected: id === t.unit }, units[id]);
      })));
    select.onchange = function () { state.team.unit = select.value; redraw(); };
    var sortIndex = TEAM_SORTS.indexOf(t.sort);
    parts.push(section(L("members"), [h("div", { "class": "controls" }, [search, select]),
      table(columns, members, { csv: "team", sortIndex: sortIndex, sortDir: t.dir, onSort: function (i) {
        if (state.team.sort === TEAM_SORTS[i]) state.team.dir = -state.team.dir;
        else { state.team.sort = TEAM_SORTS[i]; state.team.dir = 1; }
        redraw();
      } })], "team"));
    var measured = members.filter(function (m) { return m.achievement !== null; });
    if (measured.length) {
      parts.push(section(L("achievement"), barChart(measured.map(function (m) {
        return { label: m.name, value: m.achievement, note: pct(m.achievement), cls: m.achievement >= 1 ? "done" : "" };
      }), { goal: true, max: 40 })));
    }
    if (data.cascade.length) {
      parts.push(section(L("cascade"), h("ul", { "class": "tree" }, data.cascade.map(function (node) {
        return h("li", null, h("details", { open: true }, [
          h("summary", null, [node.title, " — ", pct(node.ratio), node.target_amount !== null ? " (" + num(node.achieved) + " / " + num(node.target_amount) + " " + node.unit + ")" : ""]),
          h("ul", null, node.children.map(function (c) {
            return h("li", null, [h("button", { type: "button", "class": "link", onclick: function () { go("member", { id: c.employee_id }); } }, c.employee),
              ": ", c.title, " — ", num(c.achieved), c.share !== null ? " (" + pct(c.share) + ")" : ""]);
          }))
        ]));
      })), "cascade"));
    }
    if (!data.members.length) parts.push(h("p", { "class": "muted" }, L("no_members")));
    return parts;
  }

  function renderMember(data) {
    var parts = [h("h1", null, [data.name, h("small", null, data.position || "")])];
    parts.push(summaryParts(data.summary, false));
    parts.push(section(L("recent_reports"), reportList(data.reports)));
    if (data.leads) parts.push(h("button", { type: "button", "class": "chip", onclick: function () { go("team", { leader: data.id }); } }, L("open_team")));
    return parts;
  }

  function predikatCells(data) {
    return data.predikats.map(function (p) {
      return { label: p.short, num: true, text: function (row) { return num(row.counts[p.key] || 0); } };
    });
  }

  function curveText(row) {
    var c = row.curve;
    if (c.state === "ok") return L("curve_ok");
    if (c.state === "risk") return L("curve_risk") + ": " + num(c.warnings);
    if (c.state === "small") return L("curve_small");
    return L("curve_none");
  }

  function renderHr(data) {
    var parts = [h("h1", null, [L("tab_hr"), h("small", null, data.period.name)])];
    if (data.opds.length > 1) {
      var select = h("select", { "aria-label": L("opd"), id: "hr-opd" }, [h("option", { value: "" }, L("all_opds"))].concat(
        data.opds.map(function (o) { return h("option", { value: String(o.id), selected: data.opd_id === o.id }, o.code + " — " + o.name); })));
      select.onchange = function () { go("hr", select.value ? { opd: select.value } : {}, true); };
      parts.push(h("div", { "class": "controls" }, select));
    }
    parts.push(section(L("compliance_opd"), [
      barChart(data.compliance.map(function (c) { return { label: c.code, value: c.month_share, note: pct(c.month_share) }; }), { goal: true, max: 60 }),
      table([
        { label: L("opd"), text: function (c) { return c.code; } },
        { label: L("eligible"), num: true, text: function (c) { return num(c.eligible); } },
        { label: L("week"), num: true, text: function (c) { return pct(c.week_share); } },
        { label: L("month"), num: true, text: function (c) { return pct(c.month_share); } }
      ], data.compliance, { csv: "compliance-opd" })
    ], "compliance"));
    parts.push(section(L("compliance_unit"), [
      barChart(data.units.map(function (u) { return { label: u.unit, value: u.month_share, note: pct(u.month_share) }; }), { goal: true, max: 15 }),
      table([
        { label: L("unit"), text: function (u) { return u.unit; } },
        { label: L("opd"), text: function (u) { return u.opd_code; } },
        { label: L("eligible"), num: true, text: function (u) { return num(u.eligible); } },
        { label: L("month"), num: true, text: function (u) { return pct(u.month_share); } }
      ], data.units, { csv: "compliance-unit" })
    ], "units"));
    var keys = data.predikats.map(function (p) { return p.key; });
    parts.push(section(L("predikat") + " · " + data.predikat_period.name, [
      stackChart(data.predikat.map(function (r) { return { label: r.code, parts: r.counts }; }), keys),
      h("p", { "class": "legend" }, data.predikats.map(function (p, j) { return h("span", { "class": "key stack-" + j }, p.short + " = " + p.name); })),
      table([{ label: L("opd"), text: function (r) { return r.code; } }].concat(predikatCells(data), [
        { label: L("still_open"), num: true, text: function (r) { return num(r.still_open); } },
        { label: L("org_rating"), text: function (r) { return r.org_rating || "–"; } },
        { label: L("curve"), text: curveText }
      ]), data.predikat, { csv: "predikat" })
    ], "predikat"));
    parts.push(section(L("broadcasts"), [
      barChart(data.broadcasts.map(function (b) { return { label: b.preview, value: b.ack_share, note: pct(b.ack_share) }; }), { goal: true }),
      table([
        { label: L("broadcast"), text: function (b) { return b.preview; } },
        { label: L("date"), text: function (b) { return day(b.created_at); } },
        { label: L("recipients"), num: true, text: function (b) { return num(b.recipients); } },
        { label: L("sent"), num: true, text: function (b) { return num(b.sent); } },
        { label: L("acknowledged"), num: true, text: function (b) { return num(b.acknowledged); } }
      ], data.broadcasts, { csv: "broadcasts" })
    ], "broadcasts"));
    parts.push(section(L("struggling") + " · " + data.struggling_period.name, [
      // The larger of the two shares; the note gives both (below expectations / low achievement).
      barChart(data.struggling.map(function (u) {
        return { label: u.unit, value: Math.max(u.below_share, u.low_share), note: pct(u.below_share) + " / " + pct(u.low_share), cls: "warn" };
      }), {}),
      table([
        { label: L("unit"), text: function (u) { return u.unit; } },
        { label: L("opd"), text: function (u) { return u.opd_code; } },
        { label: L("below"), num: true, text: function (u) { return pct(u.below_share); } },
        { label: L("low"), num: true, text: function (u) { return pct(u.low_share); } }
      ], data.struggling, { csv: "struggling-units" })
    ], "struggling"));
    return parts;
  }

  var RENDER = { me: renderMe, team: renderTeam, member: renderMember, hr: renderHr };
  var API = { me: "/api/me", team: "/api/team", member: "/api/member", hr: "/api/hr" };

  // --- navigation, loading, refreshing -------------------------------------------------------

  function tabs() {
    var nav = document.getElementById("tabs");
    var items = [["me", L("tab_me")]];
    if (state.viewer && state.viewer.leader) items.push(["team", L("tab_team")]);
    if (state.viewer && state.viewer.hr) items.push(["hr", L("tab_hr")]);
    nav.textContent = "";
    if (state.stack.length) {
      append(nav, h("button", { type: "button", "class": "tab back", onclick: back }, "‹ " + L("back")));
    }
    items.forEach(function (item) {
      var current = state.view.page === item[0] || (item[0] === "team" && state.view.page === "member");
      append(nav, h("button", { type: "button", "class": "tab" + (current ? " current" : ""), "aria-current": current ? "page" : null,
        onclick: function () { state.stack = []; go(item[0], {}, true); } }, item[1]));
    });
    nav.hidden = false;
  }

  function redraw(keepFocus) {
    var main = document.getElementById("main");
    var focused = keepFocus && document.activeElement ? document.activeElement.id : null;
    var caret = focused && document.activeElement.selectionStart;
    main.textContent = "";
    document.documentElement.lang = state.lang;
    if (state.error) {
      append(main, h("section", { "class": "card refusal", id: "refusal" }, [h("h1", null, state.error.title), h("p", null, state.error.message)]));
    } else if (state.data) {
      tabs();
      append(main, RENDER[state.view.page](state.data));
    } else {
      append(main, h("p", { "class": "muted" }, L("loading")));
    }
    var foot = document.getElementById("asof");
    foot.textContent = state.asOf ? L("as_of") + " " + clock(state.asOf) : "";
    if (state.failed) append(foot, h("span", { "class": "warn-text" }, " · " + L("load_failed")));
    if (focused) {
      var again = document.getElementById(focused);
      if (again) { again.focus(); try { again.setSelectionRange(caret, caret); } catch (e) { /* not text */ } }
    }
  }

  function query(params) {
    var pairs = Object.keys(params).map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]); });
    return pairs.length ? "?" + pairs.join("&") : "";
  }

  function load() {
    if (state.loading) return;
    state.loading = true;
    var view = state.view;
    fetch(BASE + API[view.page] + query(view.params), { headers: { Authorization: "tma " + state.launch }, cache: "no-store" })
      .then(function (response) {
        return response.json().then(function (json) { return { status: response.status, json: json }; });
      })
      .then(function (answer) {
        if (view !== state.view) return;
        var json = answer.json;
        state.lang = json.lang || state.lang;
        state.labels = json.labels || state.labels;
        if (answer.status !== 200) {
          state.error = json.error;
          state.data = null;
        } else {
          state.error = null;
          state.viewer = json.viewer;
          state.tz = json.tz || state.tz;
          state.data = json.data;
          state.asOf = (json.data && json.data.as_of) || json.as_of;
        }
        state.failed = false;
        body.setAttribute("data-loaded", view.page);
        redraw();
      })
      .catch(function () { state.failed = true; redraw(); })
      .then(function () { state.loading = false; });
  }

  function go(page, params, replace) {
    if (!replace) state.stack.push(state.view);
    state.view = { page: page, params: params || {} };
    state.data = null;
    body.removeAttribute("data-loaded");
    var path = BASE + (page === "me" ? "/" : "/" + (page === "member" ? "team" : page));
    var shown = page === "member" ? { member: params.id } : params || {};
    // The fragment (Telegram's launch data) stays, so a reload still signs in.
    try { history.replaceState(null, "", path + query(shown) + location.hash); } catch (e) { /* sandbox */ }
    redraw();
    load();
  }

  function back() {
    var previous = state.stack.pop();
    if (previous) go(previous.page, previous.params, true);
  }

  function start() {
    state.launch = readLaunch();
    applyTheme();
    telegramReady();
    var script = document.querySelector('script[src*="telegram-web-app.js"]');
    if (script) script.addEventListener("load", telegramReady);
    var params = {};
    new URLSearchParams(location.search).forEach(function (v, k) { params[k] = v; });
    state.view = params.member && state.view.page === "team"
      ? { page: "member", params: { id: params.member } }
      : { page: state.view.page, params: params };
    redraw();
    load();
    setInterval(function () { if (document.visibilityState !== "hidden") load(); }, REFRESH_MS);
    document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") load(); });
  }

  start();
})();

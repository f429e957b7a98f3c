/* RegioAtlas good-practice exchange in the web app: the catalogue (map, facets, search), a
 * practice page (where it was transferred, what happened), "learn from" per region, action-plan
 * pages with KPI progress charts, and the forms of editors and reviewers.
 *
 * Texts are shown with textContent only (el()), so HTML written in a practice stays text. The
 * token of the forms is typed into the page and sent as an Authorization: Bearer header; it is
 * kept in sessionStorage (this tab only), never in a URL.
 */
(function () {
  "use strict";
  const RA = window.RA;
  const { _, el, fill, fmt, api, svg } = RA;

  const FACETS = [["theme", () => _("Theme")], ["country", () => _("Country")], ["region_type", () => _("Type of region")],
    ["policy_instrument", () => _("Policy instrument")], ["language", () => _("Language")]];
  const TYPE = { metropolis: () => _("metropolis"), next_to_metropolis: () => _("next to a metropolis"), other: () => _("other region") };
  const href = (path) => path + (path.includes("?") ? "&" : "?") + "lang=" + RA.state().lang;
  const link = (path, text) => el("a", { href: href(path) }, text);
  const practiceLink = (p) => link("/practice/" + encodeURIComponent(p.id), p.title || p.id);
  const pathPart = (i) => decodeURIComponent(window.location.pathname.split("/")[i] || "");

  // ---- writes: the token typed in the page, sent as a Bearer header -------------------------
  const token = () => sessionStorage.getItem("ra-token") || "";
  async function send(method, path, body) {
    const r = await fetch(path, {
      method: method,
      headers: { "Content-Type": "application/json", Accept: "application/json", Authorization: "Bearer " + token() },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const out = await r.json().catch(() => ({}));
    if (!r.ok) { const e = new Error(out.detail || r.statusText); e.status = r.status; throw e; }
    return out;
  }
  const authGet = (path) => fetch(path, { headers: { Accept: "application/json", Authorization: "Bearer " + token() } })
    .then(async (r) => { const b = await r.json().catch(() => ({})); if (!r.ok) throw new Error(b.detail || r.statusText); return b; });

  // ---- the catalogue ----------------------------------------------------------------------------
  async function renderCatalogue(main) {
    const params = new URLSearchParams(window.location.search);
    const q = params.get("q") || "";
    const query = new URLSearchParams({ q: q, limit: "50" });
    FACETS.forEach(([f]) => params.getAll(f).forEach((v) => query.append(f, v)));
    const r = await api("/api/practices?" + query.toString(), { nocache: true });
    const go = (p) => { window.location.href = href("/practices?" + p.toString()); };
    const form = el("form", { class: "filters inline", role: "search", onsubmit: (e) => {
      e.preventDefault(); const p = new URLSearchParams(params); p.set("q", e.target.elements.q.value.trim()); p.delete("lang"); go(p);
    } }, el("label", {}, el("span", {}, _("Search practices (any language)")), el("input", { name: "q", id: "practice-q", value: q, size: 40 })),
      el("button", { type: "submit" }, _("Search")));
    const facetBlock = FACETS.map(([f, label]) => {
      const counts = (r.facets || {})[f] || {};
      const chosen = params.getAll(f);
      const entries = Object.entries(counts).slice(0, 12);
      if (!entries.length) return null;
      return el("fieldset", { class: "facet", "data-facet": f }, el("legend", {}, label()),
        entries.map(([v, n]) => el("label", { class: "small" },
          el("input", { type: "checkbox", value: v, checked: chosen.includes(v), onchange: (e) => {
            const p = new URLSearchParams(params); p.delete("lang"); p.delete(f);
            chosen.filter((c) => c !== v).forEach((c) => p.append(f, c)); if (e.target.checked) p.append(f, v); go(p);
          } }), " " + (f === "region_type" && TYPE[v] ? TYPE[v]() : f === "country" ? RA.countryName(v) : v) + " (" + n + ")")));
    });
    const mapHost = el("div", { id: "practice-map", class: "map small-map", style: "height:320px" });
    fill(main, el("h1", {}, _("Good practices")),
      el("p", {}, link("/practices/edit", _("Write or review a practice"))),
      form, el("div", { class: "two" }, el("aside", { class: "facets" }, facetBlock), mapHost),
      el("p", { class: "muted small", id: "practice-total" }, fmt.num(r.total) + " " + _("practices") + " · " + _("Method:") + " " + r.method),
      el("p", {}, el("a", { class: "button", href: "/api/practices/export/csv?" + query.toString(), download: "practices.csv" }, _("Download CSV")), " ",
        el("a", { class: "button", href: "/api/practices/export/jsonld", download: "practices.jsonld" }, "JSON-LD")),
      el("ol", { class: "results", id: "practice-list" }, (r.items || []).map((p) => el("li", { class: "result", "data-id": p.id },
        practiceLink(p), el("div", { class: "muted small" }, [p.region_name || p.region, p.language, (p.themes || []).slice(0, 3).join(", ")].filter(Boolean).join(" · "))))));
    if (window.L) {
      const map = L.map(mapHost, { minZoom: 2, maxZoom: 9, attributionControl: true }).setView([52, 12], 3);
      api("/api/geometries?level=0&zoom=4").then((g) => L.geoJSON(g, { interactive: false, style: { color: "#fff", weight: 0.8, fillColor: "#e4e4e4", fillOpacity: 1 } }).addTo(map)).catch(() => null);
      (r.items || []).filter((p) => p.lat !== null && p.lat !== undefined).forEach((p) => {
        L.circleMarker([p.lat, p.lon], { radius: 6, color: "#1f5f99" }).bindTooltip(p.title || p.id).on("click", () => { window.location.href = href("/practice/" + encodeURIComponent(p.id)); }).addTo(map);
      });
    }
  }

  // ---- a practice ---------------------------------------------------------------------------------
  const field = (label, value) => (value ? el("div", { class: "field" }, el("h3", {}, label), el("p", { class: "prose" }, value)) : null);
  async function renderPractice(main) {
    const p = await api("/api/practices/" + encodeURIComponent(pathPart(2)), { nocache: true });
    fill(main, el("h1", { id: "practice-title" }, p.title),
      el("p", { class: "muted" }, [p.region_name ? p.region_name + " (" + p.region + ")" : p.region, p.city, p.organisation].filter(Boolean).join(" · ")),
      el("p", {}, link("/learn/" + p.region, _("What could this region learn?"))),
      field(_("Summary"), p.summary), field(_("Challenge addressed"), p.challenge), field(_("What was done"), p.what_was_done),
      field(_("Results"), p.results), field(_("Themes"), (p.themes || []).join(", ")), field(_("Policy instrument"), p.policy_instrument),
      el("h2", {}, _("Where it was transferred")),
      (p.transfers || []).length ? el("table", { class: "data", id: "practice-transfers" },
        el("thead", {}, el("tr", {}, [_("Region"), _("City"), _("Stage"), _("Outcome")].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, p.transfers.map((t) => el("tr", {}, el("td", {}, (t.region_name || t.region) + " (" + t.region + ")"), el("td", {}, t.city || "–"),
          el("td", {}, STAGES[t.stage] ? STAGES[t.stage]() : t.stage || "–"), el("td", {}, t.outcome || "–"))))) : el("p", { class: "muted" }, _("No transfer recorded yet.")),
      el("p", { class: "small" }, link("/practices/edit?practice=" + encodeURIComponent(p.id), _("Record a transfer of this practice"))),
      (p.adopted_by || []).length ? [el("h2", {}, _("Action plans adopting it")), el("ul", {}, p.adopted_by.map((a) => el("li", {}, link("/plan/" + encodeURIComponent(a.id), a.title))))] : null,
      el("p", { class: "muted small" }, [p.attribution || p.source, p.licence].filter(Boolean).join(" · ")));
  }

  // ---- learn from: recommendations for a region ------------------------------------------------------
  async function renderLearn(main, state) {
    const code = (state.region || "").toUpperCase();
    const challenge = new URLSearchParams(window.location.search).get("challenge") || "";
    const form = el("form", { class: "filters inline", onsubmit: (e) => {
      e.preventDefault(); const c = e.target.elements.challenge.value.trim(); const r = e.target.elements.region.value.trim().toUpperCase();
      window.location.href = href("/learn/" + encodeURIComponent(r) + (c ? "?challenge=" + encodeURIComponent(c) : ""));
    } }, el("label", {}, el("span", {}, _("Region (NUTS code)")), el("input", { name: "region", value: code, size: 8 })),
      el("label", {}, el("span", {}, _("Challenge (empty: the region's weakest measures)")), el("input", { name: "challenge", value: challenge, size: 40 })),
      el("button", { type: "submit" }, _("Recommend")));
    fill(main, el("h1", {}, _("Learn from similar regions")), form, el("section", { id: "learn-results" }));
    if (!code) return;
    const r = await api("/api/practice-recommendations/" + code + (challenge ? "?challenge=" + encodeURIComponent(challenge) : ""), { nocache: true });
    const reasons = (x) => {
      const w = x.reasons, out = [];
      if (w.peer) out.push(_("scorecard peer") + " " + w.peer.region + " (" + _("distance") + " " + fmt.num(w.peer.distance, 2) + ")");
      if (w.same_type) out.push(_("same type of region") + ": " + (TYPE[w.same_type] ? TYPE[w.same_type]() : w.same_type));
      if (w.shared_terms.length) out.push(_("Shared terms:") + " " + w.shared_terms.slice(0, 5).join(", "));
      if (w.measure) out.push(_("would move") + " " + w.measure.name);
      if (w.transfers.length) out.push(_("transferred to") + " " + w.transfers.slice(0, 5).join(", "));
      return out.join(" · ");
    };
    const c = r.challenge;
    fill(document.getElementById("learn-results"),
      el("p", {}, (r.region.name || r.region.code) + (r.region.type && TYPE[r.region.type] ? " · " + TYPE[r.region.type]() : "")),
      el("p", { class: "muted small" }, typeof c === "string" ? _("Challenge:") + " " + c : _("Weakest measures:") + " " + c.weakest_measures.map((m) => m.name).join(", ")),
      el("ol", { class: "results", id: "learn-list" }, r.items.map((x) => el("li", { class: "result", "data-id": x.practice.id },
        practiceLink(x.practice), el("div", { class: "muted small" }, (x.practice.region_name || x.practice.region) + " · " + _("score") + " " + fmt.num(x.score, 2)),
        el("div", { class: "small" }, reasons(x))))));
  }

  // ---- an action plan with its KPI progress chart ----------------------------------------------
  function kpiChart(k) {
    const pts = (k.observed || []).map((o) => [Date.parse(o.date), o.value]);
    const values = pts.map((p) => p[1]).concat([k.baseline, k.target].filter((v) => v !== null && v !== undefined));
    if (!values.length) return null;
    const W = 320, H = 120, lo = Math.min(...values), hi = Math.max(...values), span = hi - lo || 1;
    const times = pts.map((p) => p[0]), t0 = Math.min(...times, Date.now()), t1 = Math.max(...times, t0 + 1);
    const y = (v) => H - 10 - ((v - lo) / span) * (H - 20), x = (t) => 10 + ((t - t0) / (t1 - t0 || 1)) * (W - 20);
    const line = (v, cls) => (v === null || v === undefined ? null : svg("line", { x1: 0, x2: W, y1: y(v), y2: y(v), class: cls }));
    const root = svg("svg", { viewBox: "0 0 " + W + " " + H, class: "kpi-chart", role: "img", "aria-label": k.measure + ": " + _("baseline") + " " + k.baseline + ", " + _("target") + " " + k.target });
    const parts = [line(k.baseline, "baseline"), line(k.target, "target"),
      pts.length > 1 ? svg("polyline", { points: pts.map((p) => x(p[0]) + "," + y(p[1])).join(" "), class: "observed", fill: "none" }) : null]
      .concat(pts.map((p) => svg("circle", { cx: x(p[0]), cy: y(p[1]), r: 3, class: "observed" })));
    parts.filter(Boolean).forEach((n) => root.appendChild(n));
    return root;
  }
  async function renderPlan(main) {
    const p = await api("/api/plans/" + encodeURIComponent(pathPart(2)), { nocache: true });
    fill(main, el("h1", { id: "plan-title" }, p.title), el("p", { class: "muted" }, (p.region_name || p.region) + " (" + p.region + ")"),
      field(_("Summary"), p.summary),
      (p.practices || []).length ? [el("h2", {}, _("Practices adopted")), el("ul", {}, p.practices.map((id) => el("li", {}, link("/practice/" + encodeURIComponent(id), id))))] : null,
      el("h2", {}, _("Actions")),
      (p.actions || []).map((a) => el("section", { class: "action" }, el("h3", {}, a.title),
        el("p", { class: "muted small" }, [a.owner, a.start && a.end ? a.start + " – " + a.end : a.start || a.end].filter(Boolean).join(" · ")),
        a.kpis.map((k) => el("div", { class: "kpi", "data-measure": k.measure },
          el("p", {}, k.measure + ": " + _("baseline") + " " + fmt.num(k.baseline) + " → " + _("target") + " " + fmt.num(k.target) +
            (k.latest !== null && k.latest !== undefined ? " · " + _("latest") + " " + fmt.num(k.latest) : "") +
            (k.progress !== null && k.progress !== undefined ? " · " + fmt.num(100 * k.progress, 0) + " % " + _("of the way") : "")),
          kpiChart(k))))));
  }

  // the stages of a transfer (model/practices.py TRANSFER_STAGES), as people read them
  const STAGES = { planned: () => _("planned"), started: () => _("started"), adapted: () => _("adapted"),
    implemented: () => _("implemented"), abandoned: () => _("abandoned") };

  // ---- the forms of editors and reviewers ----------------------------------------------------------
  async function renderEdit(main) {
    const status = el("p", { id: "edit-status", role: "status" });
    const say = (t, bad) => { status.textContent = t; status.className = bad ? "error" : "ok"; };
    const tokenForm = el("form", { id: "token-form", onsubmit: (e) => { e.preventDefault(); sessionStorage.setItem("ra-token", e.target.elements.token.value.trim()); renderEdit(main); } },
      el("label", {}, el("span", {}, _("Your API token")), el("input", { name: "token", type: "password", autocomplete: "off", value: token() })),
      el("button", { type: "submit" }, _("Use this token")));
    const input = (name, label, attrs) => el("label", {}, el("span", {}, label), el(attrs && attrs.rows ? "textarea" : "input", Object.assign({ name: name }, attrs || {})));
    const practiceForm = el("form", { id: "practice-form", onsubmit: async (e) => {
      e.preventDefault(); const f = e.target.elements;
      const body = { title: f.title.value, region: f.region.value, summary: f.summary.value, challenge: f.challenge.value,
        what_was_done: f.what_was_done.value, results: f.results.value, themes: f.themes.value, policy_instrument: f.policy_instrument.value, language: f.language.value };
      try { const v = await send("POST", "/api/practices", body); await send("POST", "/api/practices/" + encodeURIComponent(v.id) + "/submit"); say(_("Submitted for review:") + " " + v.id); renderWork(); }
      catch (err) { say(err.message, true); }
    } }, el("h2", {}, _("New practice")), input("title", _("Title")), input("region", _("Region (NUTS code)"), { size: 8 }),
      input("summary", _("Summary"), { rows: 3 }), input("challenge", _("Challenge addressed"), { rows: 2 }), input("what_was_done", _("What was done"), { rows: 3 }),
      input("results", _("Results"), { rows: 2 }), input("themes", _("Themes (separated by ;)")), input("policy_instrument", _("Policy instrument")),
      input("language", _("Language"), { size: 3, value: RA.state().lang }), el("button", { type: "submit" }, _("Save and submit")));
    const planForm = el("form", { id: "plan-form", onsubmit: async (e) => {
      e.preventDefault(); const f = e.target.elements;
      const observed = f.observed.value.split(";").map((s) => s.trim()).filter(Boolean).map((s) => { const [d, v] = s.split("="); return { date: (d || "").trim(), value: (v || "").trim() }; });
      const body = { title: f.title.value, region: f.region.value, practices: f.practices.value, actions: [{ title: f.action.value, owner: f.owner.value,
        kpis: [{ measure: f.measure.value.trim(), baseline: f.baseline.value, target: f.target.value, observed: observed }] }] };
      try { const v = await send("POST", "/api/plans", body); await send("POST", "/api/plans/" + encodeURIComponent(v.id) + "/submit"); say(_("Submitted for review:") + " " + v.id); renderWork(); }
      catch (err) { say(err.message, true); }
    } }, el("h2", {}, _("New action plan")), input("title", _("Title")), input("region", _("Region (NUTS code)"), { size: 8 }),
      input("practices", _("Practices adopted (ids, separated by ;)")), input("action", _("Action")), input("owner", _("Owner")),
      input("measure", _("KPI (measure id)")), input("baseline", _("Baseline"), { size: 8 }), input("target", _("Target"), { size: 8 }),
      input("observed", _("Observed values (date=value; …)")), el("button", { type: "submit" }, _("Save and submit")));
    const transferForm = el("form", { id: "transfer-form", onsubmit: async (e) => {
      e.preventDefault(); const f = e.target.elements;
      const body = { practice: f.practice.value.trim(), region: f.region.value.trim(), city: f.city.value,
        stages: [{ stage: f.stage.value, date: f.date.value, note: f.note.value }], outcome: f.outcome.value };
      try { const v = await send("POST", "/api/transfers", body); await send("POST", "/api/transfers/" + encodeURIComponent(v.id) + "/submit"); say(_("Submitted for review:") + " " + v.id); renderWork(); }
      catch (err) { say(err.message, true); }
    } }, el("h2", {}, _("New transfer")), input("practice", _("Practice (id)"), { value: new URLSearchParams(location.search).get("practice") || "" }),
      input("region", _("Region (NUTS code)"), { size: 8 }), input("city", _("City")),
      el("label", {}, el("span", {}, _("Stage")), el("select", { name: "stage" }, Object.keys(STAGES).map((k) => el("option", { value: k }, STAGES[k]())))),
      input("date", _("Date of the stage"), { type: "date" }), input("note", _("Note")), input("outcome", _("Outcome"), { rows: 2 }),
      el("button", { type: "submit" }, _("Save and submit")));
    const work = el("section", { id: "worklist" });
    async function renderWork() {
      if (!token()) { fill(work, el("p", { class: "muted" }, _("Enter a token to see your items and what waits for review."))); return; }
      try {
        const w = await authGet("/api/practice-worklist");
        const segment = { practice: "practices", plan: "plans", transfer: "transfers" };
        const decide = (x, decision) => async () => {
          const comment = document.getElementById("comment-" + x.id).value;
          try { await send("POST", "/api/" + segment[x.kind] + "/" + encodeURIComponent(x.id) + "/review", { decision: decision, comment: comment }); say(_("Decision saved:") + " " + x.id); renderWork(); }
          catch (err) { say(err.message, true); }
        };
        fill(work, el("h2", {}, _("Waiting for your review")),
          w.to_review.length ? el("ul", { id: "review-list" }, w.to_review.map((x) => el("li", { "data-id": x.id }, el("strong", {}, x.title || x.id), " (" + x.kind + ", " + x.region + ", " + x.owner + ") ",
            el("input", { id: "comment-" + x.id, placeholder: _("Comment"), size: 24 }), " ",
            el("button", { type: "button", class: "approve", onclick: decide(x, "approve") }, _("Approve")), " ",
            el("button", { type: "button", onclick: decide(x, "request_changes") }, _("Request changes")), " ",
            el("button", { type: "button", onclick: decide(x, "reject") }, _("Reject"))))) : el("p", { class: "muted" }, _("Nothing waits for review.")),
          el("h2", {}, _("Your items")), el("ul", { id: "my-items" }, w.mine.map((x) => el("li", { "data-id": x.id }, (x.title || x.id) + " · " + x.kind + " · " + x.status))));
      } catch (err) { fill(work, el("p", { class: "error", role: "alert" }, err.message)); }
    }
    fill(main, el("h1", {}, _("Write and review practices")), tokenForm, status, work, el("div", { class: "two" }, practiceForm, planForm), el("div", { class: "two" }, transferForm));
    await renderWork();
  }

  RA.registerView("practices", { path: "/practices", title: () => _("Good practices"), render: renderCatalogue, map: true });
  RA.registerView("practice", { path: "/practice/:region*", menu: false, title: () => _("Good practice"), render: renderPractice });
  RA.registerView("learn", { path: "/learn/:region?", title: () => _("Learn from similar regions"), render: renderLearn });
  RA.registerView("plan", { path: "/plan/:region*", menu: false, title: () => _("Action plan"), render: renderPlan });
  RA.registerView("practiceEdit", { path: "/practices/edit", menu: false, title: () => _("Write and review practices"), render: renderEdit });
})();

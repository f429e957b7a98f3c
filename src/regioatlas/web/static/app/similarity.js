/* RegioAtlas synergy and overlap finder in the web app: similar projects on the project page,
 * synergies and overlaps on the region page, and the partner search page.
 */
(function () {
  "use strict";
  const RA = window.RA;
  const { _, el, fill, fmt, api, svg } = RA;

  const kindLabel = (k) => ({ synergy: _("synergy"), overlap: _("overlap"), related: _("related project") })[k] || k;
  // A score at or below zero is no match at all: never badged as a synergy or listed as an overlap.
  const badge = (x) => (x.score > 0 ? kindLabel(x.kind) : _("weak match"));
  // Region names instead of codes ("Pohjois- ja Itä-Suomi", not "FI1D"), one list per level.
  const NAMES = new Map();
  async function learnNames(codes) {
    const levels = new Set(codes.filter((c) => c && !NAMES.has(c)).map((c) => Math.min(3, c.length - 2)));
    await Promise.all(Array.from(levels).map((l) => api("/api/regions?level=" + l).then((r) => r.items.forEach((x) => NAMES.set(x.code, x.name_latin))).catch(() => null)));
  }
  const placeName = (code) => NAMES.get(code) || code;
  function scoreMeter(score, best) {
    return el("span", { class: "score" }, _("similarity") + " " + fmt.num(score, 2),
      el("span", { class: "meter", role: "img", "aria-label": _("similarity") + " " + fmt.num(score, 2) + " / " + fmt.num(best, 2) },
        el("span", { style: "width:" + Math.max(0, Math.min(100, (100 * score) / (best || 1))) + "%" })));
  }
  const sourceLabel = (s) => ({
    "fi-rakennerahastot": _("Finnish operations"), "at-efre": _("Austrian operations"),
    "pl-mapadotacji": _("Polish operations"), "cordis-he-sample": _("Horizon Europe"), "cordis-h2020": _("Horizon 2020"),
  })[s] || s;

  const present = (v) => Array.isArray(v) ? v.length > 0 : Boolean(v);

  function reasonText(x) {
    const r = x.reason || {};
    const parts = [];
    if (r.same_region && r.same_region.length) parts.push(_("same region") + " " + r.same_region.join(", "));
    if (r.same_beneficiary && r.same_beneficiary.length) parts.push(_("same beneficiary"));
    if (r.months_overlap) parts.push(fmt.num(r.months_overlap, 1) + " " + _("months of overlap"));
    // a distance is only meaningful between municipalities' regions, not to the centre of a NUTS 1
    const fine = (x.regions || []).length && x.regions.every((c) => c.length >= 5);
    if (fine && r.distance_km !== null && r.distance_km !== undefined) parts.push(fmt.num(r.distance_km) + " km");
    return parts.join(" · ");
  }

  function resultItem(x, best) {
    const terms = (x.explanation && x.explanation.shared_terms) || [];
    return el("li", { class: "result kind-" + x.kind, "data-kind": x.kind },
      el("span", { class: "badge" + (x.score > 0 ? "" : " weak") }, badge(x)), " ",
      RA.link({ view: "project", project: x.id }, (x.acronym ? x.acronym + " – " : "") + (x.title || x.id)),
      el("div", { class: "muted small" }, sourceLabel(x.source) + (x.regions && x.regions.length ? " · " + x.regions.map(placeName).join(", ") : "") +
        (reasonText(x) ? " · " + reasonText(x) : ""), " · ", scoreMeter(x.score, best)),
      terms.length ? el("div", { class: "small" }, _("Shared terms:") + " " + terms.join(", ")) : null);
  }

  async function similarOnProject(host, p) {
    if (!host) return;
    const r = await api("/api/similar/" + encodeURIComponent(p.id) + "?limit=8&per_source=3").catch(() => null);
    if (!r || !r.items || !r.items.length) return;
    const groups = Object.entries(r.by_source || {}).filter(([, items]) => items && items.length);
    const all = r.items.concat(...groups.map(([, items]) => items));
    await learnNames(all.flatMap((x) => x.regions || []));
    const best = Math.max(...all.map((x) => x.score));
    const item = (x) => resultItem(x, best);
    fill(host,
      el("h2", {}, _("Similar projects")),
      el("p", { class: "muted small" }, _("Method:") + " " + r.method),
      el("p", { class: "muted small" }, _("The bar compares each score with the best match shown; a score of 0 or less means no match.")),
      el("ol", { class: "results", id: "similar-list" }, r.items.map(item)),
      groups.length ? el("h3", {}, _("Most similar in other sources")) : null,
      groups.map(([source, items]) => el("section", { class: "by-source", "data-source": source },
        el("h4", {}, sourceLabel(source)), el("ol", { class: "results" }, items.map(item)))));
  }

  async function synergiesOnRegion(host, s) {
    if (!host) return;
    const code = s.region.code;
    const [syn, ov] = await Promise.all([
      api("/api/synergies/" + code + "?limit=8").catch(() => null),
      api("/api/overlaps/" + code + "?limit=10").catch(() => null),
    ]);
    const allPairs = (ov && (ov.items || ov.pairs)) || [];
    const pairs = allPairs.filter((x) => x.score > 0);
    const synItems = (syn && syn.items) || [];
    await learnNames(synItems.flatMap((x) => x.regions || []));
    const best = Math.max(0, ...synItems.map((x) => x.score));
    const bestPair = Math.max(0, ...pairs.map((x) => x.score));
    fill(host,
      el("h2", {}, _("Synergies and overlaps")),
      el("div", { class: "two" },
        el("section", { id: "synergies" }, el("h3", {}, _("Similar projects elsewhere")),
          synItems.length ? el("ol", { class: "results" }, synItems.map((x) => resultItem(x, best))) : el("p", { class: "muted" }, _("None found."))),
        el("section", { id: "overlaps" }, el("h3", {}, _("Possible overlaps in the region")),
          el("p", {}, el("a", { class: "button", href: "/api/overlaps/" + code + "?format=csv", download: "overlaps-" + code + ".csv" }, _("Download CSV"))),
          pairs.length ? el("ol", { class: "results" }, pairs.map((x) => el("li", { class: "result" },
            RA.link({ view: "project", project: x.a.id }, x.a.title || x.a.id), " ↔ ", RA.link({ view: "project", project: x.b.id }, x.b.title || x.b.id),
            el("div", { class: "muted small" }, scoreMeter(x.score, bestPair),
              (x.months_overlap ? " · " + fmt.num(x.months_overlap, 1) + " " + _("months of overlap") : "") +
              (present(x.same_beneficiary) ? " · " + _("same beneficiary") : "") + (x.identical_title ? " · " + _("identical title") : ""))))) :
            el("p", { class: "muted" }, _("None found.")))));
  }

  async function renderPartners(main, state) {
    const params = new URLSearchParams(window.location.search);
    const text = params.get("text") || "";
    const home = (state.region || params.get("home") || "").toUpperCase();
    const form = el("form", { class: "filters inline", role: "search", onsubmit: (e) => {
      e.preventDefault();
      const t = e.target.elements.text.value.trim();
      const h = e.target.elements.home.value.trim().toUpperCase();
      const url = "/partners" + (h ? "/" + encodeURIComponent(h) : "") + "?lang=" + state.lang + (t ? "&text=" + encodeURIComponent(t) : "");
      history.pushState(null, "", url);
      RA.navigate({ view: "partners", region: h || null });
    } },
      el("label", {}, el("span", {}, _("What should the partners have done?")), el("textarea", { name: "text", rows: 3 }, text)),
      el("label", {}, el("span", {}, _("Your region (NUTS code)")), el("input", { name: "home", value: home, size: 8 })),
      el("button", { type: "submit" }, _("Find partners")));
    fill(main, el("h1", {}, _("Partner search")), form, el("section", { id: "partner-results" }));
    if (!text) return;
    const host = document.getElementById("partner-results");
    fill(host, el("p", {}, _("Loading…")));
    try {
      const r = await api("/api/partners?limit=20&text=" + encodeURIComponent(text) + (home ? "&home=" + home : ""), { nocache: true });
      const items = r.items || [];
      fill(host, el("table", { class: "data", id: "partners" },
        el("thead", {}, el("tr", {}, [_("Organisation"), _("Region"), _("Country"), _("Relevant projects"), _("Relevance")].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, items.map((x) => el("tr", {},
          el("td", {}, x.name || x.organisation || "–"),
          el("td", {}, x.region ? RA.link({ view: "region", region: x.region }, (x.region_name || x.region) + " (" + x.region + ")") : "–"),
          el("td", {}, x.country || "–"),
          el("td", {}, (x.projects || []).slice(0, 3).map((p, i) => [i ? "; " : "", RA.link({ view: "project", project: p.id }, p.title || p.id)])),
          el("td", { class: "num" }, fmt.num(x.relevance !== undefined ? x.relevance : x.score, 2)))))));
    } catch (e) {
      fill(host, el("p", { class: "error", role: "alert" }, e.message));
    }
  }

  RA.hooks.project.push(similarOnProject);
  RA.hooks.region.push(synergiesOnRegion);
  RA.registerView("partners", { path: "/partners/:region?", title: () => _("Partner search"), render: renderPartners });
})();

"""A one-page report of a region's scorecard (PNG or PDF), drawn offline with matplotlib.

Input: the dict ``Scorecards.scorecard`` returns. Output: the file's bytes. Drawn with the Agg
backend on a ``Figure`` (no pyplot state), so that concurrent requests do not interfere.
"""

from __future__ import annotations

import io
import textwrap

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

COLOURS = {"region": "#1b6ca8", "metropolis": "#d1495b", "peers": "#66a182"}
CHARTS = ("population", "gdp_per_head_pps", "tertiary_attainment", "employment_rate")


def _position(fig: dict | None) -> float | None:
    """Position in the EU ranking: 100 = first, 0 = last."""
    if not fig or not fig.get("rank_eu") or not fig.get("n_eu"):
        return None
    n = fig["n_eu"]
    return 100.0 if n <= 1 else 100.0 * (n - fig["rank_eu"]) / (n - 1)


def _fmt(v: float | None) -> str:
    if v is None:
        return "n/a"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.1f}"


def render_report(card: dict, fmt: str = "png") -> bytes:
    """The report as PNG or PDF bytes.

    Example
    -------
    >>> data = render_report(Scorecards(store).scorecard("FI1C6"), "png")  # doctest: +SKIP
    >>> data[:4]  # doctest: +SKIP
    b'\\x89PNG'
    """
    region, typ = card["region"], card["typology"]
    metro = card.get("metropolis")
    fig = Figure(figsize=(8.27, 11.69))
    FigureCanvasAgg(fig)
    asked = region["asked"]
    also = (
        f"; {asked['code']} in NUTS {asked['version']}"
        if (asked["code"], asked["version"]) != (region["code"], region["version"])
        else ""
    )
    fig.text(0.05, 0.965, f"{region['name']} ({region['code']}, NUTS {region['version']}{also})",
             fontsize=15, weight="bold")  # fmt: skip
    kind = typ["type"].replace("_", " ")
    sub = f"NUTS {region['level']} region, {kind}"
    if metro:
        sub += f"; compared with the metropolis {metro['name']} ({metro['code']})"
    peers = card["peers"]["items"]
    fig.text(0.05, 0.945, sub, fontsize=9.5)
    fig.text(
        0.05, 0.93,
        textwrap.shorten(
            f"Peers ({card['peers']['scope']}): "
            + ", ".join(f"{p['name']} ({p['code']})" for p in peers), 150
        ),
        fontsize=8.5, color=COLOURS["peers"],
    )  # fmt: skip
    comp = card.get("composite") or {}
    if comp.get("status") == "ok":
        fig.text(
            0.05, 0.912,
            f"Composite index (people, competence, capital): rank {comp['rank']} of {comp['of']} "
            f"EU NUTS {comp['level']} regions; median rank {comp['median_rank']:.0f}, 90 % interval "
            f"{comp['rank_p05']}-{comp['rank_p95']}\n({comp['options']})",
            fontsize=8, va="center",
        )  # fmt: skip

    # --- profile: position in the EU ranking per indicator
    items = [i for i in card["indicators"] if i["region"].get("value") is not None]
    ax = fig.add_axes((0.42, 0.5, 0.54, 0.39))
    labels, ys = [], []
    for n, ind in enumerate(reversed(items)):
        y = n
        ys.append(y)
        r = ind["region"]
        labels.append(f"{ind['title']} ({ind['pillar'][:4]}., NUTS {ind['level']})\n"
                      f"{_fmt(r['value'])} {textwrap.shorten(ind['unit'], 30)}, {r['year']}")  # fmt: skip
        for key, value in (
            ("region", _position(r)),
            ("metropolis", _position(ind.get("metropolis"))),
        ):
            if value is not None:
                ax.plot(value, y, "o", color=COLOURS[key], ms=7 if key == "region" else 6)
        peers = (ind.get("peers") or {}).get("items") or []
        peer_pos = [x for x in (_position(p) for p in peers if p.get("rank_eu")) if x is not None]
        if peer_pos:
            ax.plot(sorted(peer_pos)[len(peer_pos) // 2], y, "D", color=COLOURS["peers"], ms=5)
    ax.set_yticks(ys, labels, fontsize=6.5)
    ax.set_xlim(-3, 103)
    ax.set_xlabel("position among EU regions of the level (100 = best in the indicator's direction)",
                  fontsize=7.5)  # fmt: skip
    ax.grid(axis="x", alpha=0.3)
    ax.tick_params(axis="x", labelsize=7)
    for key, label in (("region", region["code"]), ("metropolis", "metropolis"),
                       ("peers", "peer median")):  # fmt: skip
        ax.plot([], [], "o" if key != "peers" else "D", color=COLOURS[key], label=label)
    ax.legend(loc="lower right", fontsize=7, frameon=True)

    # --- time series
    for n, iid in enumerate(CHARTS):
        s = card.get("series", {}).get(iid)
        ind = next((i for i in card["indicators"] if i["id"] == iid), None)
        if not s or not ind:
            continue
        ax = fig.add_axes((0.08 + (n % 2) * 0.47, 0.27 - (n // 2) * 0.17, 0.38, 0.11))
        index = ind["unit"] == "persons"  # sizes differ too much: an index shows the trend
        title = f"{ind['title']} ({ind['unit']}, NUTS {s['level']})"
        for key, values in (("region", s["region"]), ("metropolis", s.get("metropolis")),
                            ("peers", s.get("peers_median"))):  # fmt: skip
            if values:
                pts = [(y, v) for y, v in zip(s["years"], values) if v is not None]
                if pts and index:
                    title = f"{ind['title']} (index, {pts[0][0]} = 100, NUTS {s['level']})"
                    pts = [(y, 100.0 * v / pts[0][1]) for y, v in pts] if pts[0][1] else []
                if pts:
                    ax.plot(*zip(*pts), "-", color=COLOURS[key], lw=1.6, marker=".", ms=3)
        ax.set_title(title, fontsize=7.5)
        ax.tick_params(labelsize=6.5)
        ax.grid(alpha=0.3)

    sources = "; ".join(sorted({i["source"] for i in items}))
    attributions = "; ".join(card.get("sources", []))
    footer = (
        "Every figure carries its year; NUTS 2 figures of a NUTS 3 region are those of its NUTS 2 "
        f"region. Sources: {sources}. {attributions}. Made with RegioAtlas."
    )
    fig.text(0.05, 0.01, "\n".join(textwrap.wrap(footer, 170)), fontsize=5.5, va="bottom")
    buf = io.BytesIO()
    if fmt == "pdf":
        fig.savefig(buf, format="pdf", metadata={"CreationDate": None, "Creator": "RegioAtlas"})
    else:
        fig.savefig(buf, format="png", dpi=110)
    return buf.getvalue()

"""Charts of the report as SVG, drawn here (no chart library): horizontal bars with the value written at the end of
each bar and a pattern per series beside its colour (no information by colour alone), and the map of the
départements (the dashboard's vendored geometry), coloured by class with a written legend, the zone hatched."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

AXIS_COLOURS = {
    "transition-ecologique": "#18753c",
    "foncier": "#716043",
    "innovation": "#000091",
    "competences": "#a94645",
}
PATTERN_NAMES = ("plein", "rayures", "points", "croisillons")
_PATTERNS = (
    "",
    '<path d="M0 6 L6 0" stroke="#fff" stroke-width="1.6"/>',
    '<circle cx="3" cy="3" r="1.3" fill="#fff"/>',
    '<path d="M0 0 L6 6 M6 0 L0 6" stroke="#fff" stroke-width="1.1"/>',
)
MAP_FIGURES = {
    "territoires_labellises": ("territoires", "territoires_labellises"),
    "fiches_actions": ("actions_axes", "fiches_actions"),
    "engage_centimes": ("financements", "engage_centimes"),
    "contrats_vte": ("vte", "contrats_signes"),
}
"""The map's figures: (read model, measure), as the dashboard's."""
CLASSES = ("#eef1ff", "#c9d3ff", "#8f9ff0", "#4a63d9", "#1d2b8f")
OVERSEAS = (("971", "Guadeloupe"), ("972", "Martinique"), ("973", "Guyane"), ("974", "La Réunion"), ("976", "Mayotte"))


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str
    series: int


@dataclass(frozen=True)
class Series:
    label: str
    colour: str


def _pattern(name: str, colour: str, k: int) -> str:
    return (
        f'<pattern id="{name}" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6"'
        f' fill="{colour}"/>{_PATTERNS[k % len(_PATTERNS)]}</pattern>'
    )


def bars(items: list[Bar], series: list[Series]) -> str:
    width, line = 640, 34
    top = 26 if len(series) > 1 else 0
    biggest = max([1.0, *(float(i.value) for i in items)])
    defs = "".join(_pattern(f"m{k}", s.colour, k if len(series) > 1 else 0) for k, s in enumerate(series))

    def fill(k: int) -> str:  # the plain motif is the colour itself (a tiled pattern shows seams in some viewers)
        return series[k].colour if k % len(_PATTERNS) == 0 or len(series) == 1 else f"url(#m{k})"

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {top + len(items) * line + 4}"'
        ' font-family="Liberation Sans, Arial, sans-serif" font-size="11">',
        f"<defs>{defs}</defs>",
    ]
    if len(series) > 1:  # the legend: each series' pattern and name
        x = 0
        for k, s in enumerate(series):
            out.append(
                f'<rect x="{x}" y="4" width="18" height="11" fill="{fill(k)}" stroke="#161616" stroke-width=".5"/>'
            )
            out.append(f'<text x="{x + 22}" y="13">{escape(s.label)}</text>')
            x += 30 + 6 * len(s.label)
    for k, item in enumerate(items):
        y = top + k * line
        w = max(1.0, float(item.value) / biggest * (width - 190))
        out.append(f'<text x="0" y="{y + 11}">{escape(item.label)}</text>')
        out.append(
            f'<rect x="0" y="{y + 15}" width="{w:.1f}" height="12" fill="{fill(item.series)}" stroke="#161616"'
            ' stroke-width=".5"/>'
        )
        out.append(f'<text x="{w + 5:.1f}" y="{y + 25}">{escape(item.shown)}</text>')
    out.append("</svg>")
    return "".join(out)


def _class_of(value: int, top: int) -> int:
    return 0 if not value else min(len(CLASSES) - 1, 1 + (value - 1) * (len(CLASSES) - 1) // max(1, top))


def france_map(geometry: dict[str, Any], values: dict[str, int], zone: dict[str, str]) -> tuple[str, list[str]]:
    """The map and its legend's classes in words (« 0 : aucun », « 1 à 3 », …)."""
    _, _, w, h = (float(x) for x in geometry["viewBox"].split())
    top = max([0, *values.values()])
    members: dict[int, list[int]] = {}
    for value in range(1, top + 1):  # a class's words say exactly which values it holds
        members.setdefault(_class_of(value, top), []).append(value)
    legend = ["aucun"] + [f"{v[0]} à {v[-1]}" if len(v) > 1 else f"{v[0]}" for _, v in sorted(members.items())]
    colours = [CLASSES[0], *(CLASSES[k] for k in sorted(members))]
    hatch = (
        '<pattern id="zone" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="1.4" height="5" fill="#161616"/></pattern>'
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0f} {h + 110:.0f}"'
        f' font-family="Liberation Sans, Arial, sans-serif" font-size="11"><defs>{hatch}</defs>'
    ]

    def shape(code: str, draw: str) -> None:
        fill = CLASSES[_class_of(values.get(code, 0), top)]
        out.append(draw.format(attrs=f'fill="{fill}" stroke="#ffffff" stroke-width=".6"'))
        if code in zone:
            out.append(draw.format(attrs='fill="url(#zone)" stroke="#161616" stroke-width="1.6"'))

    for location in geometry["locations"]:
        shape(location["id"], f'<path d="{location["path"]}" {{attrs}}/>')
    for i, (code, name) in enumerate(OVERSEAS):
        left = 10 + i * 120
        shape(code, f'<rect x="{left}" y="{h + 8:.0f}" width="36" height="36" {{attrs}}/>')
        out.append(f'<text x="{left + 42}" y="{h + 30:.0f}">{escape(name)}</text>')
    x = 10.0
    for k, text in enumerate(legend):
        out.append(
            f'<rect x="{x:.0f}" y="{h + 66:.0f}" width="16" height="11" fill="{colours[k]}" stroke="#161616"'
            ' stroke-width=".5"/>'
        )
        out.append(f'<text x="{x + 20:.0f}" y="{h + 76:.0f}">{escape(text)}</text>')
        x += 36 + 6 * len(text)
    out.append(f'<rect x="10" y="{h + 86:.0f}" width="16" height="11" fill="url(#zone)" stroke="#161616"/>')
    out.append(f'<text x="30" y="{h + 96:.0f}">périmètre du rapport (hachuré)</text>')
    out.append("</svg>")
    return "".join(out), ["territoires labellisés par département : " + ", ".join(legend)]

"""The readiness radar: accessible, self-contained, deterministic SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.readiness.radar import DASHES, PALETTE, radar_svg
from app.wizard.loader import load_roadmap

ROADMAP = load_roadmap(Path("roadmap"))
AXES = tuple(s.title for s in ROADMAP.stages if s.kind == "dimension")
D = Decimal


def values(*numbers: str | None) -> tuple[Decimal | None, ...]:
    return tuple(None if n is None else D(n) for n in numbers)


SERIES: list[tuple[str, Sequence[Decimal | None]]] = [
    (
        "Northshire Council",
        values("50.0", "75.0", "100.0", "0.0", "62.5", "12.3", "99.9", "50", "1"),
    ),
    ("Smith & Jones <Ltd>", values("25", None, "25", "25", "25", "25", "25", "25", "25")),
    ("West Fire Authority", values(*["80.0"] * 9)),
]


def render(
    series: Sequence[tuple[str, Sequence[Decimal | None]]] = SERIES,
    axes: Sequence[str] = AXES,
    title: str = "Readiness by dimension",
    description: str = "Each partner's readiness score for each of the nine dimensions.",
) -> str:
    return radar_svg(axes, series, title=title, description=description)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def test_it_parses_as_xml_with_a_title_and_description_it_is_labelled_by() -> None:
    root = parse(render())
    assert root.tag == "svg"
    assert root.get("role") == "img"
    assert root.get("viewBox") == "0 0 720 652"
    title_id, desc_id = (root.get("aria-labelledby") or "").split()
    title = root.find("title")
    desc = root.find("desc")
    assert title is not None
    assert desc is not None
    assert title.get("id") == title_id
    assert desc.get("id") == desc_id
    assert title.text == "Readiness by dimension"
    assert list(root)[:2] == [title, desc]


def test_one_polygon_per_series_with_distinct_colours_and_dashes() -> None:
    root = parse(render())
    polygons = root.findall(".//polygon")
    assert len(polygons) == len(SERIES)
    looks = [(p.get("stroke"), p.get("stroke-dasharray")) for p in polygons]
    assert len({colour for colour, _ in looks}) == len(SERIES)
    assert len({dash for _, dash in looks}) == len(SERIES)
    for polygon in polygons:
        assert len((polygon.get("points") or "").split()) == len(AXES)


def test_a_polygon_point_is_at_its_value() -> None:
    axes = ("North", "East", "South", "West")
    root = parse(render([("A", values("100", "50", "0", None))], axes=axes))
    polygon = root.find(".//polygon")
    assert polygon is not None
    # centre (360, 270), radius 170; the first axis points up, then clockwise
    assert polygon.get("points") == "360.0,100.0 445.0,270.0 360.0,270.0 360.0,270.0"


def test_a_concentric_grid_and_a_labelled_spoke_per_axis() -> None:
    root = parse(render())
    grid = root.find("./g[@class='radar-grid']")
    assert grid is not None
    assert sorted(c.get("r", "") for c in grid.findall("circle")) == [
        "127.5",
        "170.0",
        "42.5",
        "85.0",
    ]
    assert len(grid.findall("line")) == len(AXES)
    assert [t.text for t in grid.findall("text")] == ["25", "50", "75", "100"]
    labels = root.find("./g[@class='radar-axes']")
    assert labels is not None
    texts = [" ".join(s.text or "" for s in t.findall("tspan")) for t in labels.findall("text")]
    assert texts == list(AXES)
    assert "Transactions, events and messages" in AXES


def test_a_legend_names_every_series() -> None:
    root = parse(render())
    legend = root.find("./g[@class='radar-legend']")
    assert legend is not None
    assert [t.text for t in legend.findall("text")] == [name for name, _ in SERIES]
    samples = legend.findall("line")
    polygons = root.findall(".//polygon")
    assert [(s.get("stroke"), s.get("stroke-dasharray")) for s in samples] == [
        (p.get("stroke"), p.get("stroke-dasharray")) for p in polygons
    ]


def test_names_and_labels_are_escaped() -> None:
    svg = render(
        axes=("A & B", "<script>", "C"),
        series=[("Smith & Jones <Ltd>", values("1", "2", "3"))],
        title='Q&A "radar" <1>',
        description="x < y & z",
    )
    assert "Smith &amp; Jones &lt;Ltd&gt;" in svg
    assert "<script>" not in svg
    assert "Smith & Jones" not in svg
    root = parse(svg)
    assert root.find("title") is not None
    assert root.findtext("title") == 'Q&A "radar" <1>'
    assert "Smith & Jones <Ltd>" in (root.findtext("desc") or "")
    legend = root.find("./g[@class='radar-legend']")
    assert legend is not None
    assert legend.findtext("text") == "Smith & Jones <Ltd>"


def test_no_style_no_script_no_external_reference() -> None:
    svg = render()
    assert "style=" not in svg
    assert "<style" not in svg
    assert "script" not in svg
    assert "http" not in svg
    assert "href" not in svg
    assert "url(" not in svg


def test_the_same_input_gives_the_same_bytes() -> None:
    assert render().encode() == render().encode()
    copy = [(name, list(v)) for name, v in SERIES]
    assert render(copy) == render()


def test_coordinates_have_one_decimal_place() -> None:
    root = parse(render())
    for polygon in root.findall(".//polygon"):
        for point in (polygon.get("points") or "").split():
            for number in point.split(","):
                assert number.split(".")[1].isdigit()
                assert len(number.split(".")[1]) == 1


def test_not_scored_is_drawn_at_zero_and_said_in_the_description() -> None:
    root = parse(render())
    desc = root.findtext("desc") or ""
    assert "Smith & Jones <Ltd>: Business scope 25; Governance not scored (drawn at 0);" in desc
    assert "Northshire Council: Business scope 50.0; Governance 75.0;" in desc
    assert desc.startswith("Each partner's readiness score for each of the nine dimensions.")
    polygon = root.findall(".//polygon")[1]
    second = (polygon.get("points") or "").split()[1]
    assert second == "360.0,270.0"


def test_more_series_than_colours_stay_distinguishable() -> None:
    many = [(f"Partner {i}", values(*["50"] * 9)) for i in range(12)]
    root = parse(render(many))
    looks = {(p.get("stroke"), p.get("stroke-dasharray")) for p in root.findall(".//polygon")}
    assert len(looks) == 12
    assert root.get("viewBox") == "0 0 720 700"  # the legend needs six rows


def test_a_long_name_is_shortened_in_the_legend_but_not_in_the_description() -> None:
    name = "The Metropolitan Borough Council of Northshire and Southdale"
    root = parse(render([(name, values(*["50"] * 9))]))
    legend = root.find("./g[@class='radar-legend']")
    assert legend is not None
    shown = legend.findtext("text") or ""
    assert shown.endswith("\u2026")
    assert len(shown) <= 40
    assert name in (root.findtext("desc") or "")


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("colour", PALETTE)
def test_every_colour_contrasts_at_least_3_to_1_with_white(colour: str) -> None:
    assert 1.05 / (_luminance(colour) + 0.05) >= 3


def test_the_palette_and_dashes_are_distinct() -> None:
    assert len(set(PALETTE)) == len(PALETTE)
    assert len(set(DASHES)) == len(DASHES)


@pytest.mark.parametrize(
    ("axes", "series", "message"),
    [
        (("A", "B"), [("X", values("1", "2"))], "three axes"),
        (("A", "B", "C"), [("X", values("1", "2"))], "2 values for 3 axes"),
        (("A", "B", "C"), [("X", values("1", "2", "100.1"))], "outside 0-100"),
        (("A", "B", "C"), [("X", values("-0.1", "2", "3"))], "outside 0-100"),
    ],
)
def test_bad_input_is_refused(
    axes: tuple[str, ...], series: list[tuple[str, Sequence[Decimal | None]]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        radar_svg(axes, series, title="t", description="d")


def test_no_series_still_draws_the_grid() -> None:
    root = parse(render([]))
    assert root.findall(".//polygon") == []
    assert len(root.findall("./g[@class='radar-grid']/circle")) == 4


@given(
    names=st.lists(st.text(max_size=30), min_size=1, max_size=5),
    axis=st.text(max_size=40),
)
def test_any_text_gives_well_formed_xml(names: list[str], axis: str) -> None:
    axes = (axis, "B", "C")
    svg = render([(n, values("1", None, "3")) for n in names], axes=axes, title=axis)
    root = parse(svg)
    assert len(root.findall(".//polygon")) == len(names)


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_gridlines_keep_three_to_one_contrast_on_white() -> None:
    from app.readiness import radar as radar_module

    ratio = (1.05) / (_luminance(radar_module.GRID) + 0.05)
    assert ratio >= 3.0, ratio  # WCAG 1.4.11: graphics that carry meaning


def test_small_screens_read_the_table_instead_of_the_radar() -> None:
    from app.core.paths import STATIC_DIR

    css = (STATIC_DIR / "app.css").read_text()
    narrow = css.split("@media (max-width: 40em)")[1]
    rule = narrow[: narrow.index("}")]
    assert ".app-radar" in rule and "display: none" in rule

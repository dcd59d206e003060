"""The course's figure style: methods and family members differ by more than colour."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from wnlib.plotting import COLORS, OKABE_ITO, PALETTE, family, style  # noqa: E402


def test_methods_differ_by_line_style_or_marker():
    looks = {(str(style(k)["linestyle"]), style(k).get("marker")) for k in COLORS}
    assert len(looks) == len(COLORS), "two methods drawn alike apart from colour"


def test_family_members_differ_by_colour_line_style_and_marker():
    members = [family(i) for i in range(len(PALETTE))]
    assert all(m["color"] in OKABE_ITO.values() for m in members)
    for key in ("color", "marker"):
        assert len({m[key] for m in members}) == len(PALETTE), key
    assert len({str(m["linestyle"]) for m in members}) == len(PALETTE)
    assert "marker" not in family(0, markers=False)
    with pytest.raises(IndexError, match="out of range"):
        family(len(PALETTE))


def test_style_and_family_are_valid_plot_arguments():
    fig, ax = plt.subplots()
    for k in COLORS:
        ax.plot([0, 1, 2], [0, 1, 2], **style(k))
    for i in range(len(PALETTE)):
        ax.plot([0, 1, 2], [0, 1, 2], **family(i))
    assert len(ax.lines) == len(COLORS) + len(PALETTE)
    plt.close(fig)

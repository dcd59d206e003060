"""wnlib.interactive: frames, the kernel-free HTML, the widget view and the limits."""

from __future__ import annotations

import base64
import html
import json
import re

import numpy as np
import pytest

from wnlib.interactive import MAX_FRAMES, InteractiveFigure, interactive_figure

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _draw(fig, eta, c):
    ax = fig.add_subplot()
    t = np.arange(30)
    ax.plot(t, (1 - eta) ** t * c)
    ax.set_ylim(0, 3)


@pytest.fixture
def fig() -> InteractiveFigure:
    return interactive_figure(
        _draw,
        {"eta": [0.1, 0.2, 0.3], "c": [1, 2]},
        alt="Loss curves",
        figsize=(3, 2),
        labels={"eta": "η"},
    )


def _frames_json(page: str) -> dict:
    m = re.search(r'<script type="application/json" class="wn-frames">(.*?)</script>', page, re.S)
    assert m, "no frame data"
    return json.loads(m.group(1))


def test_frame_count_and_order(fig):
    assert fig.n_frames == 6
    assert fig.grid.strides == (2, 1)
    assert [fig.values_of(k) for k in (0, 1, 5)] == [
        {"eta": 0.1, "c": 1},
        {"eta": 0.1, "c": 2},
        {"eta": 0.3, "c": 2},
    ]
    frames = fig.frames()
    assert len(frames) == 6
    assert all(f.startswith(PNG_MAGIC) for f in frames)
    assert len(set(frames)) == 6, "each grid point draws a different picture"
    assert len(fig.renderer.draw_times) == 6
    fig.frames()
    assert len(fig.renderer.draw_times) == 6, "frames are drawn once and cached"
    assert min(fig.renderer.draw_times) > 0


def test_frame_size(fig):
    import io

    from PIL import Image

    im = Image.open(io.BytesIO(fig.render(0)))
    assert im.size == (3 * 80, 2 * 80)


def test_html_has_every_frame_and_alt(fig):
    page = fig.to_html()
    data = _frames_json(page)
    assert data["frames"] == [base64.b64encode(f).decode() for f in fig.frames()]
    assert data["names"] == ["η", "c"] and data["strides"] == [2, 1]
    assert data["values"] == [["0.1", "0.2", "0.3"], ["1", "2"]]
    img = re.search(
        r'<img class="wn-frame" src="data:image/png;base64,([^"]+)" alt="([^"]+)"', page
    )
    assert img, "a visible first frame with alt text"
    assert img.group(1) == data["frames"][0]
    assert html.unescape(img.group(2)) == "Loss curves (η = 0.1, c = 1)"
    assert page.count('type="range"') == 2
    assert 'src="http' not in page and "<script src" not in page, "no external script"


def test_initial_values_pick_the_first_frame():
    f = interactive_figure(
        _draw, {"eta": [0.1, 0.2], "c": [1, 2, 3]}, alt="x", initial={"c": 3}, figsize=(2, 2)
    )
    page = f.to_html()
    assert 'data-wn-frame="2"' in page
    assert _frames_json(page)["frames"][2] in page.split("<script")[0]


def test_sliders_move_frames(fig):
    """Replay the page's slider arithmetic: frame = sum(position * stride)."""
    data = _frames_json(fig.to_html())
    for k in range(fig.n_frames):
        idx = [(k // s) % len(v) for s, v in zip(data["strides"], data["values"], strict=True)]
        assert sum(i * s for i, s in zip(idx, data["strides"], strict=True)) == k
        assert data["frames"][k] == base64.b64encode(fig.render(k)).decode()
        assert fig.frame_number(idx) == k
    # the script reads these elements and attributes
    page = fig.to_html()
    for needle in ("input.wn-slider", "img.wn-frame", "output.wn-value", "data.strides"):
        assert needle in page


def test_mimebundle_has_widget_and_html(fig):
    bundle = fig._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"].startswith('<div class="wn-interactive"')
    assert "Loss curves" in bundle["text/plain"]


def test_widget_redraws_on_change():
    calls = []

    def draw(fig, a):
        calls.append(a)
        fig.add_subplot().plot([0, 1], [0, a])

    f = interactive_figure(draw, {"a": [1, 2, 3]}, alt="line")
    box = f.widget()
    image, sliders = box.children[0], box.children[1].children
    first = image.value
    assert calls == [1]
    sliders[0].value = 2  # the option values are grid indices
    assert calls == [1, 3]
    assert image.value != first and image.value == f.render(2)


def test_too_many_frames():
    with pytest.raises(ValueError, match="at most 60"):
        interactive_figure(_draw, {"eta": list(range(8)), "c": list(range(8))}, alt="x")
    # exactly the limit is fine
    interactive_figure(_draw, {"eta": list(range(MAX_FRAMES)), "c": [1]}, alt="x")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"controls": {"eta": [0.1]}, "alt": ""}, "alt"),
        ({"controls": {}, "alt": "x"}, "non-empty"),
        ({"controls": {"eta": []}, "alt": "x"}, "no values"),
        ({"controls": {"eta": "abc"}, "alt": "x"}, "list of values"),
        ({"controls": {"eta": [0.1]}, "alt": "x", "labels": {"zeta": "z"}}, "unknown"),
        ({"controls": {"eta": [0.1]}, "alt": "x", "initial": {"eta": 5}}, "not in its grid"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        interactive_figure(_draw, **kwargs)


def test_format_of_values():
    f = interactive_figure(
        lambda fig, kind, x: fig.add_subplot().plot([0, x]),
        {"kind": ["gd", "wn"], "x": [0.123456, 2.0]},
        alt="x",
        fmt="{:.2f}",
    )
    assert _frames_json(f.to_html())["values"] == [["gd", "wn"], ["0.12", "2.00"]]


def test_two_figures_on_one_page_do_not_share_state():
    a = interactive_figure(_draw, {"eta": [0.1, 0.2], "c": [1]}, alt="first", figsize=(2, 2))
    b = interactive_figure(_draw, {"eta": [0.3], "c": [1, 2]}, alt="second", figsize=(2, 2))
    page = a.to_html() + b.to_html()
    # each block finds its own elements from its root; its ids (for labels and skip links)
    # are its own
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)) == 2 + 2 + 2
    assert page.count('class="wn-interactive"') == 2


def test_sliders_are_labelled_for_screen_readers(fig):
    page = fig.to_html()
    root = re.search(r'<div class="wn-interactive" id="([^"]+)" role="group" aria-label="([^"]+)"',
                     page)
    assert root and html.unescape(root.group(2)) == "Interactive figure: Loss curves"
    fid = root.group(1)
    for i, (name, value) in enumerate([("η", "0.1"), ("c", "1")]):
        tag = re.search(rf'<input[^>]* id="{fid}-{i}"[^>]*>', page).group(0)
        assert f'aria-label="{name}"' in tag
        assert f'aria-valuetext="{name} = {value}"' in tag
        assert f'<label for="{fid}-{i}"><span class="wn-name">{name}</span>' in page
    assert '<p class="wn-status" aria-live="polite"></p>' in page
    assert 'setAttribute("aria-valuetext"' in page and "status.textContent" in page

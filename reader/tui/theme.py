"""Theme colours a person can read, in every theme.

Textual's themes do not promise legible text: in `textual-light` the accent
(links) is 1.5:1 on the background and `$text-accent` 3.3:1; in `textual-dark`
the scrollbar's thumb is 1.55:1 on its track and the cursor row 3.8:1. Rather
than fix two themes by hand (and leave the other nineteen as they are), the app
passes Textual's variables through `readable_variables`, which moves each text
colour towards black or white, keeping its hue, until it reaches WCAG AA (4.5:1)
on every pane it is drawn on, and each scrollbar thumb until it stands 3:1
against its track. Colours that already pass are left exactly as the theme has
them.

A terminal of 256 colours (tmux's default, `TERM=*-256color` without
`COLORTERM=truecolor`) shows each colour as the nearest of its palette, which
can take a pair from 5.4:1 down to 3:1 (nord's secondary text on its panels).
There the contrast is measured between the colours the terminal will show,
and `text-muted` (read titles, counts) is held to it too.

The story's own colours (rendered by `reader.render` with Rich, outside the
CSS) come from the same variables through `story_palette`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rich.color import Color as RichColor
from rich.color import ColorSystem
from textual.color import BLACK, WHITE, Color

from reader.render import Palette

TEXT_CONTRAST = 4.5  # WCAG AA for text
UI_CONTRAST = 3.0  # WCAG AA for the parts of controls a person must see
LINK = "news-link"  # the variable this module adds: the colour of links

# The panes text is drawn on: the story, the sidebar and dialogs, bars and the footer.
PANES = ("background", "surface", "panel")
# Text colours used by the reader's styles and Textual's widgets.
TEXT = (
    "foreground",
    "text-primary",
    "text-secondary",
    "text-accent",
    "text-warning",
    "text-error",
    "text-success",
)
# The footer's text, drawn on the footer's own background (solarized's is blue).
FOOTER_TEXT = ("footer-key-foreground", "footer-description-foreground", "footer-foreground")
THUMBS = ("scrollbar", "scrollbar-hover", "scrollbar-active")
# Link colours in order of preference: the first that reads on every pane wins.
LINK_CANDIDATES = ("accent", "text-accent", "text-secondary", "text-primary")
STEP = 0.05


def luminance(colour: Color) -> float:
    """Relative luminance as WCAG defines it (sRGB, gamma removed)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(colour.r) + 0.7152 * linear(colour.g) + 0.0722 * linear(colour.b)


def contrast(first: Color, second: Color, eight_bit: bool = False) -> float:
    """The WCAG contrast ratio of two opaque colours, from 1 to 21; with
    `eight_bit`, of the two a 256-colour terminal shows in their place."""
    if eight_bit:
        first, second = shown_in_256(first), shown_in_256(second)
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def shown_in_256(colour: Color) -> Color:
    """The colour a 256-colour terminal shows for `colour` (Rich picks it)."""
    shown = RichColor.from_rgb(colour.r, colour.g, colour.b).downgrade(ColorSystem.EIGHT_BIT)
    return Color.from_rich_color(shown)


def resolve(value: str, background: Color) -> Color:
    """A variable's value as it is drawn on `background`: `auto 60%` is Textual's
    contrasting text at that opacity, and a colour with alpha is blended. The
    ANSI themes' `ansi_default 50%` (the terminal's own text colour, known to
    it alone) is taken as `auto` is."""
    if value.startswith(("auto", "ansi_default")):
        _, _, percent = value.partition(" ")
        alpha = float(percent.rstrip("%")) / 100 if percent else 1.0
        return background + background.get_contrast_text(alpha)
    return background + Color.parse(value)


def readable(
    colour: Color, backgrounds: Iterable[Color], minimum: float, eight_bit: bool = False
) -> Color:
    """`colour`, moved towards black on light backgrounds (white on dark) just far
    enough to reach `minimum` against each of them."""
    grounds = list(backgrounds)
    target = BLACK if luminance(grounds[0]) > 0.179 else WHITE
    amount = 0.0
    moved = colour
    while amount < 1 and min(contrast(moved, g, eight_bit) for g in grounds) < minimum:
        amount = min(1.0, amount + STEP)
        moved = colour.blend(target, amount)
    return moved.clamped


def readable_variables(variables: Mapping[str, str], eight_bit: bool = False) -> dict[str, str]:
    """Textual's CSS variables with every text colour readable on every pane, the
    thumbs visible on their tracks, and `news-link` added; with `eight_bit`, as
    a 256-colour terminal shows them."""
    out = dict(variables)
    base = Color.parse(out["background"])
    panes = [base + Color.parse(out[name]) for name in PANES]
    # Before the text colours move: a theme's own colour that reads is preferred
    # to one this module had to darken (a blue link, not a darkened orange).
    out[LINK] = _link(out, panes, eight_bit)
    # `auto` follows each pane (Textual picks it): left alone, but at 256
    # colours, where what it picks can fall short once shown in the palette.
    # An ANSI theme's muted text is the terminal's own colour, known to it alone.
    muted = out.get("text-muted", "")
    for name in (*TEXT, "text-muted") if eight_bit and not muted.startswith("ansi") else TEXT:
        if name in out and (eight_bit or not out[name].startswith("auto")):
            colour = resolve(out[name], base)
            if min(contrast(colour, pane, eight_bit) for pane in panes) < TEXT_CONTRAST:
                out[name] = readable(colour, panes, TEXT_CONTRAST, eight_bit).hex
    footer = resolve(out.get("footer-background", out["panel"]), base)
    for name in FOOTER_TEXT:
        if name in out and not out[name].startswith(("auto", "ansi_default")):
            colour = resolve(out[name], footer)
            if contrast(colour, footer, eight_bit) < TEXT_CONTRAST:
                out[name] = readable(colour, [footer], TEXT_CONTRAST, eight_bit).hex
    track = resolve(out["scrollbar-background"], base)
    for name in THUMBS:
        thumb = resolve(out[name], track)
        if contrast(thumb, track, eight_bit) < UI_CONTRAST:
            out[name] = readable(thumb, [track], UI_CONTRAST, eight_bit).hex
    _readable_cursor(out, panes[1], eight_bit)
    return out


def _link(variables: Mapping[str, str], panes: list[Color], eight_bit: bool) -> str:
    base = panes[0]
    for name in LINK_CANDIDATES:
        colour = resolve(variables[name], base)
        if min(contrast(colour, pane, eight_bit) for pane in panes) >= TEXT_CONTRAST:
            return colour.hex
    secondary = resolve(variables["text-secondary"], base)
    return readable(secondary, panes, TEXT_CONTRAST, eight_bit).hex


def _readable_cursor(variables: dict[str, str], surface: Color, eight_bit: bool) -> None:
    """The highlighted row of a list: its text must read on the cursor's colour."""
    background = resolve(variables["block-cursor-background"], surface)
    text = resolve(variables["block-cursor-foreground"], background)
    if contrast(text, background, eight_bit) >= TEXT_CONTRAST:
        return
    solid = background.get_contrast_text(1.0)
    variables["block-cursor-foreground"] = solid.hex
    if contrast(solid, background, eight_bit) < TEXT_CONTRAST:
        # Move the cursor's colour away from its text instead.
        variables["block-cursor-background"] = readable(
            background, [solid], TEXT_CONTRAST, eight_bit
        ).hex


def story_palette(variables: Mapping[str, str]) -> Palette:
    """The colours `reader.render` draws a story with, from the (readable)
    variables: named colours rather than `dim`, whose look each terminal decides."""
    base = Color.parse(variables["background"])

    def rich(name: str) -> str:
        # As Rich names it: an ANSI theme's `ansi_cyan` is Rich's `color(6)`.
        return resolve(variables[name], base).rich_color.name

    return Palette(
        accent=rich("text-primary"),
        muted=rich("text-muted"),
        link=rich(LINK if LINK in variables else "accent"),
    )

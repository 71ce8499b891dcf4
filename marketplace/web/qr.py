"""QR codes on pages: one inline SVG maker for check-in codes, private links, meal codes and posters."""
from __future__ import annotations

from markupsafe import Markup


def qr_svg(text: str, *, scale: int | None = None) -> Markup:
    """Return `text` as an inline SVG QR code (always a full QR: a Micro QR, which segno picks for short texts,
    is not read by every scanner), titled with the text itself.

    With `scale`, the code has that many pixels a module; without, it has no size of its own and the page's CSS
    sizes it through its viewBox.
    """
    import segno

    code = segno.make_qr(text, error="m")
    svg = code.svg_inline(scale=scale, title=text) if scale else code.svg_inline(omitsize=True, title=text)
    return Markup(svg)  # nosec B704  (segno's own SVG; it escapes the title it embeds)

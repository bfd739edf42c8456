"""folium elements whose output goes into the page as it is, and JSON that stays data wherever it lands.

folium wraps each rendered macro in `Element(text)`, which compiles the text as a Jinja template again:
article text with `{{ ... }}` in it would run on the server. The map's own macros use these instead.
"""
from __future__ import annotations

import json

import folium
from branca.element import Element


def js_json(value) -> str:
    """JSON that stays data wherever it lands: in an HTML <script> (no `<`, `>`, `&` in clear), or even
    in a JavaScript template literal (no backtick), and on old engines (no raw line separators)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("`", "\\u0060"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


class Verbatim(Element):
    """Text that goes into the page as it is, never compiled as a template."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class VerbatimMacro(folium.MacroElement):
    """A MacroElement whose rendered header and script are placed verbatim, never compiled again."""

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        module = self._template.module
        for part, target in (("header", figure.header), ("script", figure.script)):
            macro = getattr(module, part, None)
            if macro is not None:
                target.add_child(Verbatim(macro(self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)

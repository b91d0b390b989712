"""A rendered page as a small element tree, for tests that read one part of a page (a card,
a table row) rather than the whole text: the standard library's parser, no dependency."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"})
BLOCK = frozenset(
    {"br", "dd", "div", "dt", "h1", "h2", "h3", "li", "ol", "p", "summary", "td", "th", "tr", "ul"}
)


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def all(self, tag: str, css_class: str | None = None) -> list[Node]:
        """Every element below (and including) this one with `tag` and, if given, the class."""
        return [
            n for n in self.walk() if n.tag == tag and (css_class is None or css_class in n.classes)
        ]

    def one(self, tag: str, css_class: str | None = None) -> Node:
        (found,) = self.all(tag, css_class)
        return found

    def by_id(self, ident: str) -> Node | None:
        return next((n for n in self.walk() if n.attrs.get("id") == ident), None)

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def text(self) -> str:
        """The text as a reader sees it: entities decoded, whitespace collapsed."""
        raw = "".join(
            c if isinstance(c, str) else c.text() + (" " if c.tag in BLOCK else "")
            for c in self.children
        )
        return re.sub(r"\s+", " ", raw).strip()


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):  # close up to the matching element
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root

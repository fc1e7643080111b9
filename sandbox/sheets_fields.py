"""Google's ``fields`` system parameter (partial responses) for the Sheets stand-in.

A mask such as ``sheets.properties.tabColorStyle``, ``sheets(properties(sheetId,title))`` or
``sheets/data/rowData/values/note`` keeps only the named members of a response; a list applies
the mask to each element and ``*`` keeps every member at its level.
"""

from __future__ import annotations

from typing import Any

#: A parsed mask: member name -> sub-mask (``None`` keeps the member whole).
Mask = dict[str, "Mask | None"]


class MaskError(ValueError):
    pass


def parse_mask(text: str) -> Mask:
    mask, rest = _parse_list(text.replace(" ", ""))
    if rest:
        raise MaskError(text)
    return mask


def _parse_list(text: str) -> tuple[Mask, str]:
    mask: Mask = {}
    while True:
        text = _parse_item(text, mask)
        if not text.startswith(","):
            return mask, text
        text = text[1:]


def _parse_item(text: str, into: Mask) -> str:
    name_end = 0
    while name_end < len(text) and text[name_end] not in ",()":
        name_end += 1
    path = [p for p in text[:name_end].replace("/", ".").split(".") if p]
    if not path:
        raise MaskError(text)
    text = text[name_end:]
    sub: Mask | None = None
    if text.startswith("("):
        sub, text = _parse_list(text[1:])
        if not text.startswith(")"):
            raise MaskError(text)
        text = text[1:]
    _merge(into, path, sub)
    return text


def _merge(into: Mask, path: list[str], sub: Mask | None) -> None:
    head, rest = path[0], path[1:]
    if head in into and into[head] is None:
        return  # already kept whole
    if not rest and sub is None:
        into[head] = None
        return
    node = into.get(head) or {}
    into[head] = node
    if rest:
        _merge(node, rest, sub)
        return
    for name, deeper in (sub or {}).items():
        _merge(node, [name], deeper)


def wants(mask: Mask | None, *path: str) -> bool:
    """Whether ``mask`` keeps anything under ``path`` (``wants(mask, "sheets", "data")``)."""
    node = mask
    for name in path:
        if node is None or "*" in node:
            return True
        if name not in node:
            return False
        node = node[name]
    return True


def apply_mask(data: Any, mask: Mask | None, key: str = "") -> Any:
    if mask is None:
        return data
    if isinstance(data, list):
        items = [apply_mask(item, mask) for item in data]
        # Grid data masked down to, say, notes keeps inner empty cells and rows but not trailing
        # ones, as recorded responses show (``rowData: [{"values": [{}, {"note": ...}]}]``).
        if key in ("rowData", "values"):
            while items and items[-1] == {}:
                items.pop()
        return items
    if not isinstance(data, dict):
        return data
    out: dict[str, Any] = {}
    for name, value in data.items():
        if "*" in mask:
            out[name] = value
        elif name in mask:
            kept = apply_mask(value, mask[name], name)
            if kept != []:
                out[name] = kept
    return out

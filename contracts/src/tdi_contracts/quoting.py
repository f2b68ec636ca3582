"""Text quoted from a record into a reason, a detail or a log: control characters escaped, length bounded.

Whatever a partner sends (a type, a source, an id, a key, a field's value) may hold a line break, a NUL, an
escape sequence or megabytes of text. Quoted raw, it would break the answer that quotes it (a
`FrenchSentence` holds no control character) or the log line. `quote` makes such a value safe to quote;
`sentence` makes any text a valid `FrenchSentence`. Neither ever raises.
"""

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""C0 and C1 controls, DEL, the Unicode line and paragraph separators and the bidirectional controls (which
can make a quoted value read as something else)."""
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
ELLIPSIS = "…"


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _bounded(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS if limit > 1 else ELLIPSIS[:limit]


def quote(value: object, limit: int = 200) -> str:
    """`value` as text safe to quote: control characters escaped (`\\n`, `\\x00`), at most `limit` characters."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "backslashreplace")
    text = value if isinstance(value, str) else str(value)
    text = text[: limit * 4 + 8]  # bound the work before escaping: an escape is at most 6 characters
    if _CONTROL.search(text) is not None:
        text = _CONTROL.sub(_escape, text)
    return _bounded(text, limit)


FALLBACK_SENTENCE = "Valeur invalide."


def sentence(text: str, limit: int = 500) -> str:
    """Any text as a valid `FrenchSentence`: controls escaped, outer spaces trimmed, never empty, bounded."""
    text = quote(text, limit + 8).strip()
    text = _bounded(text, limit).strip()
    return text or FALLBACK_SENTENCE

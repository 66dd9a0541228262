"""Vietnamese text helpers: search that ignores diacritics ("phu binh" finds "Phú Bình")."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case, strip diacritics and map đ/Đ to d, so search keys compare without accents."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())

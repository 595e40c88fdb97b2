"""Zip archives made in memory, for the bundle and lead-import tests."""
from __future__ import annotations

import io
import zipfile


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    """A deflated zip archive holding each name with its bytes, in the given order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()

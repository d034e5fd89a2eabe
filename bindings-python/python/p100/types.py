"""Type aliases of the SDK's inputs, for code that wraps it with type hints."""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Union

#: An amount as the SDK accepts it: exact, never a float.
Amount = Union[Decimal, str, int]

#: A file to upload: its bytes, a ``(file_name, bytes)`` pair, or a path.
FileInput = Union[bytes, bytearray, "tuple[str, bytes]", "os.PathLike[str]", str]

__all__ = ["Amount", "FileInput"]

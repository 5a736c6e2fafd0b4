"""A model artifact that the workers use when it is there and do without when it is not.

The file's path comes from an environment variable (or a default inside the package), "off"
switches it off, and a missing or malformed file is said once in the log; either way the
artifact is loaded at most once per process.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

logger = logging.getLogger(__name__)

# The committed model files (claims/engine/artifacts/), rebuilt byte for byte by `make model`.
ARTIFACT_DIR = Path(__file__).resolve().parent.parent / "artifacts"

T = TypeVar("T")


class OptionalArtifact(Generic[T]):
    def __init__(
        self,
        *,
        env_var: str,
        default_path: Path,
        load: Callable[[Path], T],
        off_message: str,
        missing_message: str,
    ) -> None:
        """`off_message` is logged when switched off; `missing_message` (with `{error}` and
        `{path}`) when the file cannot be read."""
        self.env_var = env_var
        self.default_path = default_path
        self._load = load
        self._off_message = off_message
        self._missing_message = missing_message
        self._value: T | None = None
        self._loaded = False
        self._lock = threading.Lock()

    def get(self) -> T | None:
        if self._loaded:
            return self._value
        with self._lock:
            if not self._loaded:
                self._value = self._read()
                self._loaded = True
        return self._value

    def _read(self) -> T | None:
        setting = os.environ.get(self.env_var, "").strip()
        if setting.lower() == "off":
            logger.info("%s=off: %s", self.env_var, self._off_message)
            return None
        path = Path(setting) if setting else self.default_path
        try:
            return self._load(path)
        except (OSError, ValueError) as exc:
            logger.warning(self._missing_message.format(error=exc, path=path))
            return None

    def fresh(self) -> OptionalArtifact[T]:
        """An unloaded copy with the same settings (tests swap it in to re-read the env)."""
        return OptionalArtifact(
            env_var=self.env_var,
            default_path=self.default_path,
            load=self._load,
            off_message=self._off_message,
            missing_message=self._missing_message,
        )

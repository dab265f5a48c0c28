"""What an extract remembers per source between runs, so a scheduled run fetches only what is new.

For each source: the validators (ETag, Last-Modified) of every URL it fetched, sent back as
a conditional GET so an unchanged feed or page costs a 304, and the article links it has
already read with the newest date its listing gave them, so a link is fetched again only
when the listing says it changed. One small JSON file per source under the work folder:
sources extracted in parallel (one mapped task each) never write the same file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from newsetl.fetch import FetchResult, Validators

STATE_VERSION = 1
MAX_REMEMBERED = 50_000


@dataclass
class SourceState:
    """The remembered validators and read links of one source."""

    key: str
    validators: dict[str, Validators] = field(default_factory=dict)
    seen: dict[str, str] = field(default_factory=dict)  # url → newest listed date ('' if none)

    def is_new(self, url: str, version: datetime | None) -> bool:
        """True when the link was never read, or its listing now gives a newer date."""
        if url not in self.seen:
            return True
        return version is not None and version.isoformat() > self.seen[url]

    def remember(self, result: FetchResult, version: datetime | None = None) -> None:
        """Keep what a fetch taught: its validators, and that the link was read."""
        validators = result.validators
        if validators is not None:
            for url in {result.url, result.final_url}:
                self.validators[url] = validators
        if result.ok or result.not_modified:
            self.seen[result.url] = (
                version.isoformat() if version else self.seen.get(result.url, "")
            )


def state_path(state_dir: Path, key: str) -> Path:
    """The file of one source: a readable prefix and a hash, safe as a file name."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", key).strip("-")[:40] or "source"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    return state_dir / f"{slug}-{digest}.json"


def load_state(state_dir: Path, key: str) -> SourceState:
    """The remembered state of a source; a missing or unreadable file starts afresh."""
    path = state_path(state_dir, key)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return SourceState(key)
    if document.get("version") != STATE_VERSION:
        return SourceState(key)
    return SourceState(
        key,
        {
            url: Validators(item.get("etag"), item.get("last_modified"))
            for url, item in document.get("validators", {}).items()
        },
        dict(document.get("seen", {})),
    )


def save_state(state_dir: Path, state: SourceState) -> Path:
    """Write a source's state atomically (a crash leaves the previous file whole)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_path(state_dir, state.key)
    seen = dict(list(state.seen.items())[-MAX_REMEMBERED:])
    validators = dict(list(state.validators.items())[-MAX_REMEMBERED:])
    document = {
        "version": STATE_VERSION,
        "key": state.key,
        "validators": {
            url: {"etag": v.etag, "last_modified": v.last_modified} for url, v in validators.items()
        },
        "seen": seen,
    }
    handle, temp = tempfile.mkstemp(dir=state_dir, prefix=".state-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        json.dump(document, stream, ensure_ascii=False)
    os.replace(temp, path)
    return path

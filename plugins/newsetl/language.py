"""The language of an article body, as an ISO 639-1 code."""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

# Korean articles carry English acronyms, names and numbers; a third of the letters being
# Hangul is already far more than any English article quoting Korean names has.
HANGUL_SHARE_FOR_KOREAN = 0.3
MIN_LETTERS = 12
# py3langid's time grows with the text; on the 179 bodies of the extraction benchmark the first
# 1000 characters gave the same language as the first 5000 for every page, in a third of the time.
SAMPLE_CHARS = 1000

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LETTER = re.compile(r"[^\W\d_]")


def detect_language(text: str) -> str | None:
    """ISO 639-1: Hangul share decides 'ko'; otherwise py3langid on the body; None for
    empty/too little text."""
    sample = text[:SAMPLE_CHARS]
    letters = len(_LETTER.findall(sample))
    if letters < MIN_LETTERS:
        return None
    if len(_HANGUL.findall(sample)) / letters >= HANGUL_SHARE_FOR_KOREAN:
        return "ko"
    code, _score = _identifier().classify(sample)
    return str(code) if code else None


# py3langid's model as plain arrays, unpacked once per environment by `make install`
# (`python -m newsetl.language`): each worker process of a run maps them in 0.06 s of CPU,
# where decompressing the packaged LZMA file takes 0.58 s.
_ARRAYS = ("ptc", "pc", "classes", "nextmove", "row", "out")
_DTYPES = {"H": "uint16", "I": "uint32", "L": "uint64"}


def unpacked_model_dir() -> Path:
    """Where this environment keeps py3langid's unpacked model (by py3langid's version)."""
    return Path(sys.prefix) / "share" / "newsetl" / f"py3langid-{version('py3langid')}"


def _packaged_model() -> Path:
    import py3langid.langid

    return Path(py3langid.langid.MODEL_DIR) / py3langid.langid.MODEL_FILE


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """The process's py3langid identifier: over the unpacked arrays, mapped read-only and
    shared by the run's workers, where they match the packaged model; else from the packaged
    model (numpy and the model load on first use)."""
    import numpy as np
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    folder = unpacked_model_dir()
    try:
        source = json.loads((folder / "source.json").read_text(encoding="utf-8"))
        if source.get("bytes") != _packaged_model().stat().st_size:
            raise ValueError("unpacked from another model file")
        arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in _ARRAYS}
    except (OSError, ValueError):
        return LanguageIdentifier.from_model_file(MODEL_FILE)
    # The transition tables are indexed one byte at a time: memoryviews give plain ints, as
    # the array.array objects of py3langid's own loader do.
    return LanguageIdentifier(
        np.asarray(arrays["ptc"]),
        np.asarray(arrays["pc"]),
        arrays["classes"].tolist(),
        memoryview(arrays["nextmove"]),
        arrays["out"].tolist(),
        tk_row=memoryview(arrays["row"]),
    )


def unpack_model(folder: Path | None = None) -> Path:
    """Write py3langid's packaged model as plain .npy arrays into `folder` (default:
    unpacked_model_dir()), replacing nothing that is there already; returns the folder."""
    import numpy as np
    from py3langid.modelio import load_model

    folder = folder or unpacked_model_dir()
    if (folder / "source.json").exists():
        return folder
    packaged = _packaged_model()
    ptc, pc, classes, nextmove, row, out = load_model(packaged)
    arrays = {
        "ptc": ptc,
        "pc": pc,
        "classes": np.array(classes),
        "nextmove": np.frombuffer(nextmove, dtype=_DTYPES[nextmove.typecode]),
        "row": np.frombuffer(row, dtype=_DTYPES[row.typecode]),
        "out": np.array(out, dtype=np.int32),
    }
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".unpacking-", dir=folder.parent))
    staging.chmod(0o755)  # readable by the deployment's other users, as the package is
    for name, array in arrays.items():
        np.save(staging / f"{name}.npy", array)
    source = {"file": packaged.name, "bytes": packaged.stat().st_size}
    (staging / "source.json").write_text(json.dumps(source), encoding="utf-8")
    try:
        os.replace(staging, folder)  # whole or not at all; another unpacking may have won
    except OSError:
        import shutil

        shutil.rmtree(staging, ignore_errors=True)
    return folder


if __name__ == "__main__":
    print(f"py3langid model unpacked in {unpack_model()}")

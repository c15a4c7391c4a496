"""Lighter copies of heavy document photos, made before they go over a weak link.

Documents (ID cards, tax notices) are often phone photos of 3–8 MB. Before uploading, a JPEG or
PNG over `LIGHTEN_OVER` bytes is copied as a progressive, optimised JPEG (quality 85), turned
upright from its EXIF orientation, scaled down to `MIN_LONG_SIDE` px on its long side (still
readable) and stripped of its metadata (EXIF can hold the GPS position where it was taken). The
copy is kept only if it is at least 10% smaller; otherwise, or when the image cannot be read,
the original is sent as it is. The original is never modified.

Pillow does the decoding and encoding: it is the usual, well-kept imaging library for Python,
with wheels for every platform. It is imported only when a heavy photo is met, so start-up does
not pay for it. Its decompression-bomb guard (`Image.MAX_IMAGE_PIXELS`) is kept: an image over
that size is refused, not decoded.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image as PILImage

LIGHTEN_OVER = 1_500_000  # bytes: photos above this are made lighter
MIN_LONG_SIDE = 2_000  # px: never below this on the long side (kept readable)

QUALITY = 85
MIN_SAVING = 0.10  # the copy must be at least this much smaller, else the original is sent
_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")  # JPEG, PNG
_WHITE = (255, 255, 255)


@dataclass(frozen=True)
class Lightened:
    path: Path  # the lighter copy written (dest)
    before: int  # bytes of the original
    after: int  # bytes of the copy
    suffix: str  # ".jpg" (the copy's type)


def lighten(src: Path, dest: Path) -> Lightened | None:
    """Write a lighter JPEG copy of the photo `src` to `dest` (mode 0600) and describe it.

    None, and nothing written, when `src` is not a JPEG/PNG over `LIGHTEN_OVER` bytes, when the
    copy would not be at least 10% smaller, or on any failure (unreadable, truncated or too big
    an image, an `OSError` while writing): the caller then sends the original. An `OSError` with
    errno ENOSPC (full disk) is raised again, after cleaning up, for the caller to report.
    `src` is only read. `dest` must not be `src` (ValueError).
    """
    src, dest = Path(src), Path(dest)
    try:
        before = src.stat().st_size
        if before <= LIGHTEN_OVER:
            return None
        with open(src, "rb") as f:
            head = f.read(8)
        if not head.startswith(_MAGIC):
            return None
        if os.path.exists(dest) and os.path.samefile(src, dest):
            raise ValueError(f"lighten: dest is the original itself: {dest}")
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise
        return None
    data = _encode(src)
    if data is None or len(data) > before * (1 - MIN_SAVING):
        return None
    try:
        _write_private(dest, data)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise
        return None
    return Lightened(path=dest, before=before, after=len(data), suffix=".jpg")


def _encode(src: Path) -> bytes | None:
    """The lighter JPEG's bytes, or None if Pillow is missing or the image cannot be read."""
    try:
        from PIL import Image, ImageOps
    except ImportError:
        return None
    try:
        with warnings.catch_warnings():
            # Pillow warns between MAX_IMAGE_PIXELS and twice that, and raises above: both refuse.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(src, formats=("JPEG", "PNG")) as im:
                limit = Image.MAX_IMAGE_PIXELS
                if limit and im.width * im.height > limit:
                    return None
                size = _target_size(im.size)
                if size != im.size and im.format in ("JPEG", "MPO"):
                    # Let libjpeg decode at 1/2, 1/4 or 1/8 scale while staying at least twice
                    # the target, as Pillow's thumbnail() does: faster, and LANCZOS finishes it.
                    im.draft(None, (size[0] * 2, size[1] * 2))
                icc = im.info.get("icc_profile") if im.mode == "RGB" else None
                upright = ImageOps.exif_transpose(im)
        out = _to_rgb(upright)
        size = _target_size(out.size)
        if size != out.size:
            out = out.resize(size, Image.Resampling.LANCZOS)
        out.info = {}  # no EXIF, XMP or comment carried over (GPS position: privacy)
        buf = io.BytesIO()
        out.save(
            buf,
            "JPEG",
            quality=QUALITY,
            optimize=True,
            progressive=True,
            exif=b"",
            icc_profile=icc or None,  # colours only (e.g. Display P3), nothing personal
        )
        return buf.getvalue()
    except OSError as exc:
        if exc.errno == errno.ENOSPC:  # a full disk is reported, whatever step met it
            raise
        return None
    except Exception:  # truncated or corrupt file, decompression bomb, out of memory…
        return None


def _target_size(size: tuple[int, int]) -> tuple[int, int]:
    width, height = size
    long_side = max(width, height)
    if long_side <= MIN_LONG_SIDE:
        return size
    if width >= height:
        return MIN_LONG_SIDE, max(1, round(height * MIN_LONG_SIDE / width))
    return max(1, round(width * MIN_LONG_SIDE / height)), MIN_LONG_SIDE


def _to_rgb(im: PILImage.Image) -> PILImage.Image:
    """RGB, with any transparency flattened on white and 16-bit grey brought to 8 bits."""
    from PIL import Image

    if im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info:
        rgba = im.convert("RGBA")
        flat = Image.new("RGB", rgba.size, _WHITE)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    if im.mode.startswith("I") or im.mode == "F":
        grey = im.convert("I")
        if grey.getextrema()[1] > 255:
            grey = grey.point(lambda v: v / 256)
        return grey.convert("L").convert("RGB")
    return im.convert("RGB")


def _write_private(dest: Path, data: bytes) -> None:
    """`data` to `dest`, mode 0600, all or nothing: a temporary file beside it, then a rename.

    On any error the temporary file is removed and the error raised again; `dest` is untouched.
    """
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), 0o600)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, dest)
    except BaseException:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise

"""Lighter copies of heavy document photos (alin_tui.sync.photos), on real images made here."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from PIL import ExifTags, Image

from alin_tui.sync import photos
from alin_tui.sync.photos import LIGHTEN_OVER, MIN_LONG_SIDE, Lightened, lighten

RED = (255, 0, 0)


def _noise(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    return Image.frombytes(mode, size, os.urandom(size[0] * size[1] * len(mode)))


def _fingerprint(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), st.st_mtime_ns, st.st_size


def _exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 24.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 21.0, 7.0)
    return exif


@pytest.fixture(scope="module")
def noisy_jpeg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 4000×3000 JPEG of random noise (about 10 MB), with EXIF and a GPS position."""
    path = tmp_path_factory.mktemp("made") / "noisy.jpg"
    _noise((4000, 3000)).save(path, quality=90, exif=_exif_with_gps())
    assert path.stat().st_size > 4 * LIGHTEN_OVER
    return path


def _copy(src: Path, folder: Path, name: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy2(src, folder / (name or src.name)))


def _check_copy(result: Lightened | None, dest: Path, src: Path) -> Image.Image:
    """The copy is a valid, lighter, private, metadata-free progressive JPEG; returns it decoded."""
    assert result is not None
    assert result.path == dest and result.suffix == ".jpg"
    assert result.before == src.stat().st_size
    assert result.after == dest.stat().st_size
    assert result.after <= result.before * 0.9
    assert dest.stat().st_mode & 0o777 == 0o600
    data = dest.read_bytes()
    assert b"Exif" not in data and b"PhoneMaker" not in data
    with Image.open(dest) as im:
        im.verify()
    im = Image.open(dest)
    im.load()
    assert im.format == "JPEG" and im.mode == "RGB"
    assert im.info.get("progressive") and not im.getexif()
    return im


def test_noisy_4000x3000_jpeg_comes_out_2000_wide_lighter_and_stripped(
    noisy_jpeg: Path, tmp_path: Path
) -> None:
    src = _copy(noisy_jpeg, tmp_path / "in")
    before = _fingerprint(src)
    dest = tmp_path / "out" / "light.jpg"
    dest.parent.mkdir()

    result = lighten(src, dest)

    im = _check_copy(result, dest, src)
    assert im.size == (MIN_LONG_SIDE, 1500)
    assert result is not None and result.after < result.before / 2
    assert _fingerprint(src) == before  # the original: same bytes, same mtime
    assert sorted(p.name for p in dest.parent.iterdir()) == ["light.jpg"]


def test_mode_is_0600_whatever_the_umask(noisy_jpeg: Path, tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        result = lighten(noisy_jpeg, tmp_path / "light.jpg")
    finally:
        os.umask(old)
    assert result is not None and result.path.stat().st_mode & 0o777 == 0o600


def test_dest_is_replaced_whole(noisy_jpeg: Path, tmp_path: Path) -> None:
    dest = tmp_path / "light.jpg"
    dest.write_bytes(b"an older copy")
    result = lighten(noisy_jpeg, dest)
    assert result is not None
    with Image.open(dest) as im:
        assert im.size == (2000, 1500)


def test_big_png_is_flattened_on_white(tmp_path: Path) -> None:
    """A transparent area becomes white, not black, in the JPEG."""
    rgba = _noise((2400, 1800)).convert("RGBA")
    rgba.paste((0, 0, 0, 0), (0, 0, 600, 600))  # transparent black: must show white
    src = tmp_path / "scan.png"
    rgba.save(src, compress_level=1)
    assert src.stat().st_size > LIGHTEN_OVER

    im = _check_copy(lighten(src, tmp_path / "scan.jpg"), tmp_path / "scan.jpg", src)

    assert im.size == (2000, 1500)
    assert all(c > 245 for c in im.getpixel((100, 100)))


def test_portrait_with_exif_orientation_6_comes_out_upright(tmp_path: Path) -> None:
    """Stored 3000×2000 with orientation 6 (shown turned 90° clockwise): out 1333×2000."""
    stored = _noise((3000, 2000))
    stored.paste(RED, (0, 0, 400, 400))  # stored top-left → shown top-right
    src = tmp_path / "id-card.jpg"
    stored.save(src, quality=90, exif=_exif_with_gps(orientation=6))
    assert src.stat().st_size > LIGHTEN_OVER

    im = _check_copy(lighten(src, tmp_path / "light.jpg"), tmp_path / "light.jpg", src)

    assert im.size == (1333, MIN_LONG_SIDE)
    r, g, b = im.getpixel((im.width - 60, 60))
    assert r > 200 and g < 60 and b < 60, (r, g, b)
    r, g, b = im.getpixel((60, 60))
    assert not (r > 200 and g < 60 and b < 60)


def test_heavy_image_under_2000_px_keeps_its_size(tmp_path: Path) -> None:
    src = tmp_path / "small-but-heavy.jpg"
    _noise((1800, 1200)).save(src, quality=100)
    assert src.stat().st_size > LIGHTEN_OVER

    im = _check_copy(lighten(src, tmp_path / "light.jpg"), tmp_path / "light.jpg", src)

    assert im.size == (1800, 1200)


def test_not_ten_percent_lighter_sends_the_original(tmp_path: Path) -> None:
    """Already as we would make it: re-encoding saves too little, nothing is kept."""
    src = tmp_path / "already-light.jpg"
    _noise((1900, 1300)).save(src, quality=85, optimize=True, progressive=True)
    assert src.stat().st_size > LIGHTEN_OVER

    assert lighten(src, tmp_path / "light.jpg") is None
    assert [p.name for p in tmp_path.iterdir()] == ["already-light.jpg"]


def _assert_nothing_but(folder: Path, *names: str) -> None:
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)


def test_small_jpeg_and_pdf_and_other_files_are_left_alone(tmp_path: Path) -> None:
    small = tmp_path / "small.jpg"
    _noise((600, 400)).save(small, quality=90)
    assert small.stat().st_size <= LIGHTEN_OVER
    pdf = tmp_path / "tax.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + os.urandom(2 * LIGHTEN_OVER))
    named_jpg = tmp_path / "not-really.jpg"
    named_jpg.write_bytes(os.urandom(2 * LIGHTEN_OVER))

    for src in (small, pdf, named_jpg):
        assert lighten(src, tmp_path / "light.jpg") is None
    assert lighten(tmp_path / "missing.jpg", tmp_path / "light.jpg") is None
    _assert_nothing_but(tmp_path, "small.jpg", "tax.pdf", "not-really.jpg")


def test_pdf_and_small_images_do_not_import_pillow(tmp_path: Path) -> None:
    small = tmp_path / "small.jpg"
    small.write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 1000)
    pdf = tmp_path / "big.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + b"\0" * (LIGHTEN_OVER + 1))
    code = (
        "import sys, json\n"
        "from pathlib import Path\n"
        "from alin_tui.sync.photos import lighten\n"
        f"out = Path({str(tmp_path / 'out.jpg')!r})\n"
        f"r = [lighten(Path(p), out) for p in ({str(small)!r}, {str(pdf)!r})]\n"
        "print(json.dumps([r == [None, None], 'PIL' in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert json.loads(out) == [True, False]


def test_truncated_jpeg_gives_none_and_leaves_nothing(noisy_jpeg: Path, tmp_path: Path) -> None:
    data = noisy_jpeg.read_bytes()
    src = tmp_path / "cut.jpg"
    src.write_bytes(data[: len(data) * 6 // 10])
    assert lighten(src, tmp_path / "light.jpg") is None
    _assert_nothing_but(tmp_path, "cut.jpg")


def test_corrupt_png_gives_none(tmp_path: Path) -> None:
    src = tmp_path / "bad.png"
    src.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2 * LIGHTEN_OVER))
    assert lighten(src, tmp_path / "light.jpg") is None
    _assert_nothing_but(tmp_path, "bad.png")


@pytest.mark.parametrize("limit", [7_000_000, 5_000_000], ids=["bomb-warning", "bomb-error"])
def test_decompression_bomb_is_refused_without_warning(
    noisy_jpeg: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    """12 Mpx over a lowered guard: Pillow warns (≤ 2× the limit) or raises (above): None."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", limit)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert lighten(noisy_jpeg, tmp_path / "light.jpg") is None
    _assert_nothing_but(tmp_path)


def _raise(code: int):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    return fail


@pytest.mark.parametrize("where", ["replace", "fsync"])
def test_full_disk_is_raised_after_cleanup(
    noisy_jpeg: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    monkeypatch.setattr(photos.os, where, _raise(errno.ENOSPC))
    with pytest.raises(OSError) as caught:
        lighten(noisy_jpeg, tmp_path / "light.jpg")
    assert caught.value.errno == errno.ENOSPC
    _assert_nothing_but(tmp_path)


def test_full_disk_while_encoding_is_raised(
    noisy_jpeg: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Image.Image, "save", _raise(errno.ENOSPC))
    with pytest.raises(OSError) as caught:
        lighten(noisy_jpeg, tmp_path / "light.jpg")
    assert caught.value.errno == errno.ENOSPC
    _assert_nothing_but(tmp_path)


@pytest.mark.parametrize("where", ["replace", "fsync"])
def test_other_write_errors_give_none_and_leave_nothing(
    noisy_jpeg: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    monkeypatch.setattr(photos.os, where, _raise(errno.EIO))
    assert lighten(noisy_jpeg, tmp_path / "light.jpg") is None
    _assert_nothing_but(tmp_path)


def test_missing_dest_folder_gives_none(noisy_jpeg: Path, tmp_path: Path) -> None:
    assert lighten(noisy_jpeg, tmp_path / "nowhere" / "light.jpg") is None
    _assert_nothing_but(tmp_path)


def test_dest_cannot_be_the_original(noisy_jpeg: Path, tmp_path: Path) -> None:
    src = _copy(noisy_jpeg, tmp_path)
    before = _fingerprint(src)
    with pytest.raises(ValueError):
        lighten(src, src)
    assert _fingerprint(src) == before


def test_16_bit_grey_png_is_scaled_not_clipped(tmp_path: Path) -> None:
    """A 16-bit grey scan: 40000/65535 comes out mid-grey (156), not white."""
    grey = Image.frombytes("I;16", (2400, 1800), os.urandom(2400 * 1800 * 2))
    grey.paste(Image.new("I;16", (600, 600), 40000), (0, 0))
    src = tmp_path / "scan16.png"
    grey.save(src, compress_level=1)
    assert src.stat().st_size > LIGHTEN_OVER

    im = _check_copy(lighten(src, tmp_path / "scan.jpg"), tmp_path / "scan.jpg", src)

    assert im.size == (2000, 1500)
    assert all(abs(c - 156) <= 3 for c in im.getpixel((100, 100))), im.getpixel((100, 100))

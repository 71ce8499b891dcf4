"""Photos: the original is kept privately, the public copy carries no EXIF, GPS or camera data."""
import io

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from marketplace.platform.errors import InvalidInput
from marketplace.web import uploads
from marketplace.wishes import photos, service

CAMERA = "SecretCam-9000"


def jpeg_with_gps(size=(64, 48), filename="photo.jpg") -> FileStorage:
    """An upload of a JPEG photo carrying the camera's make and the GPS position of the household."""
    image = Image.new("RGB", size, "red")
    exif = image.getexif()
    exif[0x010F] = CAMERA  # Make
    exif[0x0132] = "2026:01:05 10:00:00"  # DateTime
    exif.get_ifd(0x8825).update({1: "N", 2: (23.0, 7.0, 30.0), 3: "E", 4: (113.0, 19.0, 0.0)})  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return FileStorage(io.BytesIO(buffer.getvalue()), filename=filename, content_type="image/jpeg")


def upload(data: bytes, filename: str) -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=filename)


def test_the_public_copy_has_no_metadata_and_the_original_is_kept(app):
    private, public = photos.store_photo(jpeg_with_gps(), "photo")
    original = uploads.path_of(private).read_bytes()
    assert CAMERA.encode() in original  # the private original is kept as it came
    with Image.open(uploads.path_of(private)) as image:
        assert image.getexif().get_ifd(0x8825)
    copy = uploads.path_of(public).read_bytes()
    assert CAMERA.encode() not in copy and b"Exif" not in copy
    with Image.open(uploads.path_of(public)) as image:
        assert image.format == "JPEG" and image.size == (64, 48)
        assert not dict(image.getexif()) and "exif" not in image.info
    assert private.startswith("wishes/") and public.startswith("wishes/public/") and private != public


def test_a_large_photo_is_shrunk_and_a_png_becomes_a_jpeg(app):
    buffer = io.BytesIO()
    Image.new("RGBA", (3200, 800), (0, 0, 255, 128)).save(buffer, "PNG")
    private, public = photos.store_photo(upload(buffer.getvalue(), "big.png"), "photo")
    assert private.endswith(".png")
    with Image.open(uploads.path_of(public)) as image:
        assert image.format == "JPEG" and image.size == (1600, 400)


@pytest.mark.parametrize("data, name", [(b"%PDF-1.4\n%%EOF\n", "story.pdf"), (b"MZ\x90\x00 garbage", "x.jpg"),
                                        (b"\xff\xd8\xff\xe0 not really a jpeg", "broken.jpg"), (b"", "empty.jpg")])
def test_a_pdf_or_garbage_is_refused_and_nothing_is_left_behind(app, data, name):
    with pytest.raises(InvalidInput) as refused:
        photos.store_photo(upload(data, name), "photo")
    assert set(refused.value.fields) == {"photo"}
    folder = uploads.root() / "wishes"
    assert not folder.exists() or not [p for p in folder.rglob("*") if p.is_file()]


def test_a_delivery_photo_is_kept_private_and_a_pdf_refused(app):
    name = photos.store_private(jpeg_with_gps(), "photo")
    assert CAMERA.encode() in uploads.path_of(name).read_bytes()
    with pytest.raises(InvalidInput):
        photos.store_private(upload(b"%PDF-1.4\n", "delivery.pdf"), "photo")


def test_a_wish_with_a_photo_keeps_both_copies(station, create_household):
    household = create_household()
    wish = service.create_listing(station.worker, household.id, kind="wish", title="助听器电池", value_fen=5_000,
                                  photo=jpeg_with_gps())
    assert wish.photo_path and wish.public_photo_path
    assert CAMERA.encode() not in uploads.path_of(wish.public_photo_path).read_bytes()
    with pytest.raises(InvalidInput):
        service.update_listing(station.worker, wish.id, photo=upload(b"%PDF-1.4\n", "x.pdf"))
    service.update_listing(station.worker, wish.id, photo=FileStorage(io.BytesIO(b""), filename=""))
    assert wish.public_photo_path  # an empty file field keeps the photo

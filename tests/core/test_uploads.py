"""Uploaded receipts and evidence must be real: a PDF must parse, a photo must open."""
import io

import pytest
from werkzeug.datastructures import FileStorage

from marketplace.platform.errors import InvalidInput
from marketplace.web import uploads
from tests.files import FAKE_PDF, PDF, PNG


def upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def test_a_real_pdf_and_a_real_photo_are_kept(app):
    name, content_type = uploads.store(upload(PDF, "receipt.pdf"), "evidence", "tests")
    assert content_type == "application/pdf" and uploads.path_of(name).read_bytes() == PDF
    assert uploads.store(upload(PNG, "slip.png"), "evidence", "tests")[1] == "image/png"


@pytest.mark.parametrize("data", [FAKE_PDF, b"%PDF-1.4\n" + b"0" * 64, b"\x89PNG\r\n\x1a\n" + b"\0" * 40,
                                  b"\xff\xd8\xff\xe0 not a jpeg at all"])
def test_a_file_that_only_looks_like_a_pdf_or_photo_is_refused_and_not_kept(app, data):
    with pytest.raises(InvalidInput) as refused:
        uploads.store(upload(data, "receipt.pdf"), "evidence", "tests")
    assert "could not be opened" in str(refused.value.fields["evidence"][0])
    assert not (uploads.root() / "tests").exists() or not any((uploads.root() / "tests").iterdir())

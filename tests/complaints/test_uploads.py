import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from complaints.uploads import check_upload, check_uploads, display_name


def image_bytes(fmt="PNG", size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"PE\x00\x00"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.mark.parametrize(
    ("data", "mime", "extension"),
    [
        (image_bytes("JPEG"), "image/jpeg", "jpg"),
        (image_bytes("PNG"), "image/png", "png"),
        (PDF, "application/pdf", "pdf"),
    ],
)
def test_allowed_types_pass_by_content(data, mime, extension):
    # The browser's content type and the name are ignored: only the bytes count.
    checked = check_upload(upload("photo.txt", data, content_type="text/plain"))
    assert checked.content_type == mime
    assert checked.size == len(data)
    assert checked.name == "photo.txt"
    assert checked.file.name == f"attachment.{extension}"
    assert checked.file.read() == data


@pytest.mark.parametrize("data", [EXE, ELF, b"GIF89a" + b"\x00" * 50, b"<script>x</script>"])
def test_other_content_is_refused_whatever_the_name(data):
    with pytest.raises(ValidationError) as error:
        check_upload(upload("holiday.jpg", data))
    assert "holiday.jpg" in error.value.messages[0]


def test_a_broken_image_is_refused():
    data = bytearray(image_bytes("PNG"))
    data[40:60] = b"\x00" * 20  # damage the image data; the PNG signature stays
    with pytest.raises(ValidationError) as error:
        check_upload(upload("scan.png", bytes(data)))
    assert "scan.png" in error.value.messages[0]


def test_size_is_limited(settings):
    settings.COMPLAINT_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as error:
        check_upload(upload("big.pdf", PDF + b"0" * 200))
    assert "big.pdf" in error.value.messages[0]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError):
        check_upload(upload("empty.pdf", b""))


def test_at_most_three_files_and_every_refused_file_is_named():
    files = [upload(f"p{n}.pdf", PDF) for n in range(4)]
    with pytest.raises(ValidationError):
        check_uploads(files)
    with pytest.raises(ValidationError) as error:
        check_uploads([upload("a.jpg", EXE), upload("b.pdf", PDF), upload("c.jpg", ELF)])
    text = " ".join(error.value.messages)
    assert "a.jpg" in text and "c.jpg" in text and "b.pdf" not in text
    assert len(check_uploads([upload("b.pdf", PDF), upload("d.png", image_bytes())])) == 2


def test_the_label_has_no_path_or_control_characters():
    assert display_name("..\\..\\evil\x00\r\n.pdf") == "evil.pdf"
    assert display_name("/etc/passwd") == "passwd"
    assert display_name("") == "file"
    assert len(display_name("x" * 500)) == 200

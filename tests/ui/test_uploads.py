"""The app's own upload checks (behind Gradio's type check and size limit)."""

from pathlib import Path

import pytest

from ui.uploads import UploadError, safe_name, store


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\win.md", "win.md"),
        ("a/b/c.PDF", "c.pdf"),
        ("we?ird:na*me.html", "we_ird_na_me.html"),
        ("....txt", "upload.txt"),
        ("notes\x00.md", "notes.md"),
    ],
)
def test_names_are_sanitised(given: str, expected: str) -> None:
    assert safe_name(given) == expected


def test_store_refuses_bad_files_and_keeps_good_ones_inside(tmp_path: Path) -> None:
    folder = tmp_path / "uploads"
    source = tmp_path / "src.bin"
    source.write_bytes(b"hello")
    with pytest.raises(UploadError, match="only"):
        store(source, "script.sh", folder)
    with pytest.raises(UploadError, match="over the"):
        store(source, "big.txt", folder, max_bytes=3)
    (tmp_path / "empty").write_bytes(b"")
    with pytest.raises(UploadError, match="empty"):
        store(tmp_path / "empty", "e.txt", folder)
    stored = store(source, "../../escape.txt", folder)
    assert stored == (folder / "escape.txt").resolve() and stored.read_bytes() == b"hello"
    assert not (tmp_path / "escape.txt").exists()

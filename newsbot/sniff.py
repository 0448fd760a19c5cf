"""Is a body a page at all? Recognises binary bodies (PDF, images, archives, audio/video, executables) by
their bytes, whatever a Content-Type header or a file name says. Used by the crawl (a body is skipped as
`newsbot/skipped/binary_body`) and by `python -m newsbot extract` (one line, exit 2)."""

from __future__ import annotations

# Magic numbers of bodies that are never a page: PDF, PNG, JPEG, GIF, RIFF (WebP/WAV/AVI), ZIP, gzip, MP3,
# Ogg, and MP4-family boxes.
BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"RIFF", b"PK\x03\x04", b"\x1f\x8b", b"ID3",
                b"OggS", b"\x00\x00\x00")


def looks_binary(body: bytes) -> bool:
    """True for a body that starts like a binary format or has a NUL byte in its first KiB (ELF
    executables, most other binaries); a UTF-16 byte-order mark counts as text."""
    head = body[:1024].lstrip()
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return head.startswith(BINARY_MAGIC) or b"\x00" in head

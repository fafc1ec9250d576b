"""The heap settings used while recordings are imported (services.heap)."""

from __future__ import annotations

import ctypes
import sys

import numpy as np
import pytest

from retrowalk.services import heap


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd",
            "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost",
        )
    ]  # fmt: skip


def _mmapped_bytes() -> int:
    """Bytes of the blocks glibc serves with their own mmap (each first touch a page fault)."""
    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = _MallInfo2
    return int(libc.mallinfo2().hblkhd)


@pytest.mark.skipif(heap._GLIBC is None, reason="glibc only")
def test_large_blocks_come_from_the_heap_inside() -> None:
    n_bytes = 20 << 20  # a fresh process mmaps a block this large (threshold 128 KB)
    mmapped = _mmapped_bytes()
    with heap.reusing_freed_memory() as applies:
        assert applies
        block = np.ones(n_bytes // 8)
        assert _mmapped_bytes() - mmapped < n_bytes
        del block


def test_nested_uses_set_once_and_the_last_to_leave_restores(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, int, int]] = []

    def mallopt(param: int, value: int) -> int:
        calls.append(("mallopt", param, value))
        return 1

    def malloc_trim(pad: int) -> int:
        calls.append(("trim", pad, 0))
        return 1

    monkeypatch.setattr(heap, "_GLIBC", (mallopt, malloc_trim))
    with heap.reusing_freed_memory(), heap.reusing_freed_memory():
        assert calls == [
            ("mallopt", heap._M_MMAP_THRESHOLD, heap.MMAP_THRESHOLD_BYTES),
            ("mallopt", heap._M_TRIM_THRESHOLD, heap.TRIM_THRESHOLD_BYTES),
        ]
    assert calls[2:] == [
        ("mallopt", heap._M_TRIM_THRESHOLD, heap.DEFAULT_TRIM_THRESHOLD_BYTES),
        ("trim", 0, 0),
    ]
    assert heap._depth == 0


def test_without_glibc_nothing_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap, "_GLIBC", None)
    with heap.reusing_freed_memory() as applies:
        assert not applies


def test_glibc_is_found_on_linux_with_glibc() -> None:
    import platform

    if not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc":
        pytest.skip("not glibc")
    assert heap._GLIBC is not None

"""The memo behind the passage cache: one computation per key, even when threads miss it at
the same time; failures are not kept; the least recently used key goes first."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from rag.text.memo import Memo


def test_threads_missing_the_same_key_share_one_computation() -> None:
    calls: list[str] = []
    release = threading.Event()

    def slow(key: str) -> str:
        calls.append(key)
        release.wait(5)
        return key.upper()

    memo = Memo(slow, size=8)
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(memo, "passage") for _ in range(8)]
        threading.Timer(0.2, release.set).start()
        results = [f.result(timeout=10) for f in futures]
    assert results == ["PASSAGE"] * 8
    assert calls == ["passage"]


def test_a_failure_reaches_every_waiter_and_is_not_kept() -> None:
    attempts = 0

    def flaky(key: int) -> int:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            raise RuntimeError("first try fails")
        return key * 2

    memo = Memo(flaky, size=2)
    with pytest.raises(RuntimeError, match="first try"):
        memo(21)
    assert memo(21) == 42 and attempts == 2
    assert memo(21) == 42 and attempts == 2  # kept now


def test_the_least_recently_used_key_is_dropped_past_the_size() -> None:
    calls: list[int] = []
    memo = Memo(lambda k: calls.append(k) or k, size=2)
    memo(1), memo(2), memo(1), memo(3)  # 2 is the least recently used when 3 arrives
    assert len(memo) == 2
    memo(1), memo(2)
    assert calls == [1, 2, 3, 2]

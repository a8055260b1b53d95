"""A bounded, thread-safe memo that computes each missing value once."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    """`memo(key)` is `compute(key)`, kept for the `size` keys used most recently.

    Unlike `functools.lru_cache`, requests that miss the same key at the same time wait for
    the first one's computation instead of each repeating it: under load, a burst of
    questions over the same passages encodes each passage once.
    """

    def __init__(self, compute: Callable[[K], V], size: int) -> None:
        self._compute = compute
        self._size = size
        self._values: OrderedDict[K, V] = OrderedDict()
        self._pending: dict[K, Future[V]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._values)

    def __call__(self, key: K) -> V:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            pending = self._pending.get(key)
            owner = pending is None
            if pending is None:
                pending = self._pending[key] = Future()
        if not owner:
            return pending.result()  # raises what the computation raised
        try:
            value = self._compute(key)
        except BaseException as exc:
            with self._lock:
                del self._pending[key]
            pending.set_exception(exc)
            raise
        with self._lock:
            del self._pending[key]
            self._values[key] = value
            if len(self._values) > self._size:
                self._values.popitem(last=False)
        pending.set_result(value)
        return value

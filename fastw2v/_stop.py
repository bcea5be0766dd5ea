"""Stopping a training run on a signal: promptly, cleanly, and at once on a second signal.

The kernel runs without the GIL, and Python runs signal handlers only in the main thread,
between bytecodes: a main thread inside a kernel call could not even notice a Ctrl-C until
the chunk returned, seconds later at a wide window. So while training, the kernel call runs
in a worker thread (:meth:`StopFlag.run`) and the main thread waits for it in short timed
waits, in which its handlers run. The first SIGINT, SIGTERM or SIGHUP raises a flag that
every kernel thread polls before each centre word; the chunk returns part trained, recording
where it stopped, and the caller stops cleanly (:class:`Interrupted`). A second signal
raises :class:`Interrupted` at once.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

#: The signals that stop training cleanly, as Ctrl-C does (those this platform has).
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)

_WAIT = 0.05  # seconds between two looks at the signal handlers while a kernel call runs
_GRACE = 1.0  # seconds a second signal waits for the kernel to see the raised flag


class Interrupted(KeyboardInterrupt):
    """Training (or the command) was stopped by signal ``signum``.

    A KeyboardInterrupt, so that code catching Ctrl-C handles SIGTERM and SIGHUP alike; a
    command-line tool exits with status ``128 + signum`` (130 for SIGINT).
    """

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = int(signum)


class StopFlag:
    """While active (``with``), the first stop signal only raises the flag; a second one
    raises :class:`Interrupted` at once. Inactive outside the main thread, where signal
    handlers cannot be installed: :meth:`run` then calls directly.

    Attributes
    ----------
    flag : numpy.ndarray
        One int32, nonzero once a stop is requested: the array the kernel polls.
    signum : int or None
        The first stop signal received.
    torn : bool
        A second signal interrupted a kernel call whose result was then lost: the weights
        hold part of a chunk that no training state records.
    """

    def __init__(self) -> None:
        import numpy as np  # here: the command line imports this module before it needs numpy

        self.flag = np.zeros(1, np.int32)
        self.signum: int | None = None
        self.torn = False
        self._previous: dict[int, Any] = {}
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None

    @property
    def requested(self) -> bool:
        return self.signum is not None

    def exception(self) -> Interrupted:
        """The exception that ends a stopped run."""
        return Interrupted(self.signum or signal.SIGINT)

    def _handle(self, signum: int, frame: Any) -> None:
        if self.signum is not None:
            raise Interrupted(signum)
        self.signum = signum
        self.flag[0] = 1

    def __enter__(self) -> StopFlag:
        if threading.current_thread() is threading.main_thread():
            for sig in STOP_SIGNALS:
                try:
                    self._previous[sig] = signal.signal(sig, self._handle)
                except (ValueError, OSError):
                    pass
        return self

    def __exit__(self, *exc: Any) -> None:
        for sig, previous in self._previous.items():
            signal.signal(sig, previous if previous is not None else signal.SIG_DFL)
        self._previous.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=not self.torn)
            self._pool = None

    def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` in the worker thread, the main thread waiting in short
        timed waits so that its signal handlers run within a fraction of a second."""
        if not self._previous:
            return fn(*args, **kwargs)
        if self._pool is None:
            self._pool = concurrent.futures.ThreadPoolExecutor(1, "fastw2v-kernel")
        future = self._pool.submit(fn, *args, **kwargs)
        try:
            while True:
                try:
                    return future.result(timeout=_WAIT)
                except concurrent.futures.TimeoutError:
                    continue
        except KeyboardInterrupt:
            # A second signal: the flag is up, so the kernel returns within a centre word.
            # Wait that long (bounded) so that nothing writes the weights behind the
            # caller's back, but the result is lost with the exception.
            with contextlib.suppress(BaseException):
                future.result(timeout=_GRACE)
            self.torn = True
            raise


@contextlib.contextmanager
def terminate_raises() -> Iterator[None]:
    """SIGTERM and SIGHUP raise :class:`Interrupted` (as SIGINT raises KeyboardInterrupt),
    so that ``finally`` blocks run and temporary files are removed. Main thread only."""
    previous: dict[int, Any] = {}

    def handle(signum: int, frame: Any) -> None:
        raise Interrupted(signum)

    if threading.current_thread() is threading.main_thread():
        for sig in STOP_SIGNALS:
            if sig != signal.SIGINT:
                with contextlib.suppress(ValueError, OSError):
                    previous[sig] = signal.signal(sig, handle)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)

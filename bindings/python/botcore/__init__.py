"""botcore: trading, signal and payment bot engines, from Python.

The classes come from the C++ extension ``botcore._botcore``; import them from
here. Every failure raises a subclass of :class:`botcore.Error` whose ``code``
names the status (``botcore.InvalidArgument`` is also a ``ValueError``).
"""

from ._botcore import (
    Aborted,
    AlreadyExists,
    Amount,
    Cancelled,
    DataLoss,
    DeadlineExceeded,
    Error,
    FailedPrecondition,
    Internal,
    InvalidArgument,
    NotFound,
    OutOfRange,
    PermissionDenied,
    ResourceExhausted,
    RoundingMode,
    Unauthenticated,
    Unavailable,
    Unimplemented,
    Unknown,
    __version__,
)
from . import ta

__all__ = [
    "Aborted",
    "AlreadyExists",
    "Amount",
    "Cancelled",
    "DataLoss",
    "DeadlineExceeded",
    "Error",
    "FailedPrecondition",
    "Internal",
    "InvalidArgument",
    "NotFound",
    "OutOfRange",
    "PermissionDenied",
    "ResourceExhausted",
    "RoundingMode",
    "Unauthenticated",
    "Unavailable",
    "Unimplemented",
    "Unknown",
    "__version__",
    "ta",
]

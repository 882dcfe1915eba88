"""The C extension (``framing/_ckernels.c``), when it is built and built from these sources.

A build left from other sources (a checkout updated without ``pip install -e .``) would fail at the
first function whose arguments changed; it is set aside with a warning instead, and the Python
readings run (the same results, slower).
"""

from __future__ import annotations

import warnings

#: The interface version of ``framing/_ckernels.c`` that the Python modules call (its VERSION).
KERNELS_VERSION = 5

try:
    from . import _ckernels
except ImportError:  # not built: the Python and NumPy readings everywhere
    _ckernels = None

if _ckernels is not None and getattr(_ckernels, "VERSION", None) != KERNELS_VERSION:
    warnings.warn(f"framing's C extension ({_ckernels.__file__}) was built from other sources (interface "
                  f"{getattr(_ckernels, 'VERSION', 1)}, these need {KERNELS_VERSION}): rebuild it with "
                  "`pip install -e .` in the framing checkout; the Python readings run meanwhile (same "
                  "results, slower)", RuntimeWarning, stacklevel=2)
    _ckernels = None

"""Where the Python tests find the shared data (data/, golden/, fixtures/):
$BOTCORE_SHARED_DIR, else the shared/ folder next to the repository, the
default the C++ tests are configured with (BOTCORE_SHARED_DIR in
CMakeLists.txt)."""

import os
import pathlib

SHARED_DIR = pathlib.Path(
    os.environ.get("BOTCORE_SHARED_DIR")
    or pathlib.Path(__file__).resolve().parents[3] / "shared")

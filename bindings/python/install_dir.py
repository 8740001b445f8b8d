"""Prints where `cmake --install` puts the botcore package, relative to the
install prefix given as the only argument (bindings/python/CMakeLists.txt).

The interpreter's own platlib when it lies under the prefix, so the package
lands where that interpreter looks (Debian's python3 with the prefix
/usr/local: lib/python3.11/dist-packages); otherwise the posix_prefix layout
under the prefix (lib/python3.X/site-packages).
"""

import os
import sys
import sysconfig


def install_dir(prefix):
    platlib = os.path.relpath(sysconfig.get_path("platlib"),
                              os.path.abspath(prefix))
    if platlib != os.pardir and not platlib.startswith(os.pardir + os.sep):
        return platlib
    return sysconfig.get_path("platlib", "posix_prefix",
                              vars={"platbase": ".", "base": "."})


if __name__ == "__main__":
    print(install_dir(sys.argv[1]))

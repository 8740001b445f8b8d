"""A PEP 517 build backend for botcore that drives the system CMake.

Only the standard library is used, so pip can build offline with
``--no-build-isolation``. build_wheel configures a Release build of the
``_botcore`` module (tests, examples and benchmarks off), installs the
``python`` component into a staging folder and zips it as a wheel.

config_settings: ``build-dir`` reuses a CMake build folder (faster rebuilds).
"""

import base64
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import zipfile

_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
_NAME = "botcore"
_SUMMARY = ("Engines for trading, signal and payment bots: exact money, "
            "TA-Lib-exact indicators, risk, ledger")
# pyproject.toml's [project] dependencies (test_packaging checks they agree).
_DEPENDENCIES = ("numpy",)


def _version():
    with open(os.path.join(_ROOT, "CMakeLists.txt"), encoding="utf-8") as f:
        match = re.search(r"project\(botcore VERSION ([0-9.]+)", f.read())
    if not match:
        raise RuntimeError("no project(botcore VERSION x.y.z) in CMakeLists.txt")
    return match.group(1)


def _wheel_tag():
    python = f"cp{sys.version_info.major}{sys.version_info.minor}"
    abi = python + sys.abiflags
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return f"{python}-{abi}-{platform}"


def _metadata(version):
    requires = "".join(f"Requires-Dist: {d}\n" for d in _DEPENDENCIES)
    return (f"Metadata-Version: 2.1\nName: {_NAME}\nVersion: {version}\n"
            f"Summary: {_SUMMARY}\nLicense: MIT\nRequires-Python: >=3.9\n"
            f"{requires}")


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return f"{path},sha256={digest.decode()},{len(data)}"


def _run(*command):
    subprocess.run(command, check=True)


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    version = _version()
    settings = config_settings or {}
    with tempfile.TemporaryDirectory() as scratch:
        build_dir = settings.get("build-dir") or os.path.join(scratch, "build")
        stage = os.path.join(scratch, "stage")
        configure = [
            "cmake", "-S", _ROOT, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
            f"-DPython3_EXECUTABLE={sys.executable}",
            "-DBOTCORE_BUILD_PYTHON=ON", "-DBOTCORE_INSTALL=ON",
            "-DBOTCORE_BUILD_TESTS=OFF", "-DBOTCORE_BUILD_EXAMPLES=OFF",
            "-DBOTCORE_BUILD_BENCHMARKS=OFF", "-DBOTCORE_PYTHON_INSTALL_DIR=.",
        ]
        if shutil.which("ninja"):
            configure += ["-G", "Ninja"]
        if shutil.which("ccache"):
            configure.append("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")
        _run(*configure)
        _run("cmake", "--build", build_dir, "--target", "_botcore")
        _run("cmake", "--install", build_dir, "--component", "python",
             "--prefix", stage)

        dist_info = f"{_NAME}-{version}.dist-info"
        wheel_name = f"{_NAME}-{version}-{_wheel_tag()}.whl"
        files = {}
        for folder, _, names in os.walk(os.path.join(stage, _NAME)):
            for name in sorted(names):
                full = os.path.join(folder, name)
                with open(full, "rb") as f:
                    files[os.path.relpath(full, stage)] = f.read()
        files[f"{dist_info}/METADATA"] = _metadata(version).encode()
        files[f"{dist_info}/WHEEL"] = (
            "Wheel-Version: 1.0\nGenerator: botcore_build_backend\n"
            f"Root-Is-Purelib: false\nTag: {_wheel_tag()}\n").encode()
        record = [_record_line(path, data) for path, data in sorted(files.items())]
        record.append(f"{dist_info}/RECORD,,")
        files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()

        os.makedirs(wheel_directory, exist_ok=True)
        with zipfile.ZipFile(os.path.join(wheel_directory, wheel_name), "w",
                             zipfile.ZIP_DEFLATED) as wheel:
            for path, data in files.items():
                wheel.writestr(path, data)
    return wheel_name


def build_sdist(sdist_directory, config_settings=None):
    version = _version()
    base = f"{_NAME}-{version}"
    tracked = subprocess.run(["git", "-C", _ROOT, "ls-files", "-z"], check=True,
                             capture_output=True).stdout.decode().split("\0")
    os.makedirs(sdist_directory, exist_ok=True)
    name = f"{base}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz") as sdist:
        for path in filter(None, tracked):
            sdist.add(os.path.join(_ROOT, path), arcname=f"{base}/{path}")
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        data = _metadata(version).encode()
        info.size = len(data)

        sdist.addfile(info, io.BytesIO(data))
    return name

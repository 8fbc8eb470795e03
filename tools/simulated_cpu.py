"""Run a command as if on another computer: other BLAS kernels, SIMD loops, C maths library.

    python tools/simulated_cpu.py NAME -- COMMAND ...

Stored notebook outputs must be the same on every machine that runs the pinned
packages. This machine can imitate others by forcing OpenBLAS's kernel
(``OPENBLAS_CORETYPE``), switching off NumPy's newer SIMD loops
(``NPY_DISABLE_CPU_FEATURES``) and preloading another C maths library
(``tools/other_libm.c``: exp, log, sin, pow, ... round a few percent of their
results to the other neighbour of the exact value, as macOS, Windows, musl or
another glibc may). The library is compiled with the machine's C compiler into
``_build/other_libm/`` once. Before running the command, the script checks in a
fresh interpreter that each setting really took effect, and fails if one did
not (NumPy silently ignores feature names it does not know; NumPy's own SIMD
loops for exp, log and sin bypass the C library). Where this CPU lacks the
instructions a simulated kernel needs, or there is no C compiler, the command
is skipped with a message: that computer cannot be imitated here (never when
``CI`` is set, for the compiler). It is skipped too where this computer is the one
imitated (the same OpenBLAS kernel, none of the loops to switch off in use, the same
C library): the command would run exactly as it runs here.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OTHER_LIBM_SOURCE = ROOT / "tools" / "other_libm.c"
OTHER_LIBM_CACHE = ROOT / "_build" / "other_libm"

#: the simulated computers: BLAS kernel, NumPy dispatch targets to switch off, the NumPy CPU
#: features the kernel needs (it cannot be forced on a CPU without them), and whether its C
#: maths library is another one. The other libm goes with the older CPU: with NumPy's AVX2
#: and AVX-512 loops off, every NumPy exp, log, sin, tanh, power (float64 and float32) calls
#: the C library, as on any CPU Python's math module and ``**`` on floats do.
COMPUTERS = {
    "avx2-laptop": {
        "OPENBLAS_CORETYPE": "Haswell",
        "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR",
        "needs": ["AVX2", "FMA3"],
    },
    "older-cpu": {
        "OPENBLAS_CORETYPE": "Sandybridge",
        "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR",
        "needs": ["AVX"],
        "other_libm": True,
    },
}

#: how often the other libm moves a result (tools/other_libm.c); the check accepts this range
OTHER_LIBM_SHARE = (0.02, 0.10)

_PROBE = (
    "import json, math, numpy, threadpoolctl\n"
    "from numpy._core._multiarray_umath import __cpu_features__\n"
    "blas = [i.get('architecture') for i in threadpoolctl.threadpool_info()"
    " if i['internal_api'] == 'openblas']\n"
    "x = numpy.linspace(0.1, 5.0, 4000)\n"
    "libm = {name: getattr(numpy, name)(x).view(numpy.int64).tolist()"
    " for name in ('exp', 'log', 'sin', 'tanh')}\n"
    "libm['x ** 1.7'] = (x ** 1.7).view(numpy.int64).tolist()\n"
    "libm['exp (float32)'] = numpy.exp(x.astype(numpy.float32)).view(numpy.int32).tolist()\n"
    "libm['math.exp'] = numpy.array([math.exp(v) for v in x.tolist()]).view(numpy.int64).tolist()\n"
    "print(json.dumps({'features': __cpu_features__, 'blas': blas, 'libm': libm}))\n"
)


def _probe(env):
    """The NumPy CPU features and OpenBLAS kernels seen by a fresh interpreter."""
    out = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)


def other_libm():
    """The compiled other libm (built once per version of its source), or None without a compiler."""
    source = OTHER_LIBM_SOURCE.read_bytes()
    library = OTHER_LIBM_CACHE / f"other_libm-{hashlib.sha256(source).hexdigest()[:12]}.so"
    if library.exists():
        return library
    compiler = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not compiler:
        return None
    OTHER_LIBM_CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=OTHER_LIBM_CACHE) as scratch:
        built = Path(scratch) / library.name
        subprocess.run([compiler, "-O2", "-fno-builtin", "-shared", "-fPIC", "-o", str(built),
                        str(OTHER_LIBM_SOURCE), "-lm"], check=True)
        os.replace(built, library)  # atomic: a concurrent run sees no half-written file
    for old in OTHER_LIBM_CACHE.glob("other_libm-*.so"):
        if old != library:
            old.unlink()  # built from an older source (a process using it keeps its copy)
    return library


def _moved_share(name, ours, theirs):
    """The share of results that differ; fails unless every difference is one ulp."""
    moved = [(a, b) for a, b in zip(ours, theirs) if a != b]
    if any(abs(a - b) != 1 for a, b in moved):
        sys.exit(f"simulated_cpu: the other libm moved {name} by more than one ulp")
    return len(moved) / len(ours)


def check(name):
    """The environment that imitates computer ``name``, or None if this CPU cannot.

    Raises SystemExit with a message if the settings did not take effect.
    """
    spec = COMPUTERS[name]
    native = _probe(os.environ)
    missing = [feature for feature in spec["needs"] if not native["features"].get(feature)]
    if missing or not native["blas"]:
        why = f"lacks {', '.join(missing)}" if missing else "has no OpenBLAS"
        print(f"simulated_cpu: skipping {name}: this CPU {why}")
        return None
    env = dict(os.environ)
    env["OPENBLAS_CORETYPE"] = spec["OPENBLAS_CORETYPE"]
    env["NPY_DISABLE_CPU_FEATURES"] = spec["NPY_DISABLE_CPU_FEATURES"]
    libm_note = ""
    if spec.get("other_libm"):
        library = other_libm()
        if library is None:
            message = f"simulated_cpu: skipping {name}: no C compiler (cc) for its other libm"
            if os.environ.get("CI"):
                sys.exit(message + " (CI is set, so it may not skip)")
            print(message)
            return None
        reference = _probe(env)["libm"]
        env["LD_PRELOAD"] = " ".join(filter(None, [str(library), env.get("LD_PRELOAD")]))
    seen = _probe(env)
    wanted = spec["OPENBLAS_CORETYPE"].lower()
    if any((arch or "").lower() != wanted for arch in seen["blas"]):
        sys.exit(f"simulated_cpu: {name}: OpenBLAS runs {seen['blas']}, not {wanted}")
    switched_off = [feature for feature in spec["NPY_DISABLE_CPU_FEATURES"].split()
                    if native["features"].get(feature)]
    if not spec.get("other_libm") and not switched_off and seen["blas"] == native["blas"]:
        print(f"simulated_cpu: skipping {name}: this computer is one already (OpenBLAS "
              f"{native['blas'][0]}, none of NumPy's loops to switch off is in use): the "
              "command would repeat what runs here")
        return None
    still_on = [feature for feature in switched_off if seen["features"].get(feature)]
    if still_on:
        sys.exit(f"simulated_cpu: {name}: NumPy still uses {', '.join(still_on)}")
    if spec.get("other_libm"):
        low, high = OTHER_LIBM_SHARE
        shares = {f: _moved_share(f, seen["libm"][f], reference[f]) for f in reference}
        wrong = {f: share for f, share in shares.items() if not low <= share <= high}
        if wrong:
            sys.exit(f"simulated_cpu: {name}: the other libm moved "
                     + ", ".join(f"{share:.1%} of {f}" for f, share in wrong.items())
                     + f" (not {low:.0%} to {high:.0%}): it does not take effect")
        libm_note = "; another libm: " + ", ".join(
            f"{f} {share:.1%}" for f, share in shares.items()) + " of results one ulp off"
    print(f"simulated_cpu: {name}: OpenBLAS {seen['blas'][0]}, NumPy loops "
          f"{', '.join(switched_off) or 'none'} switched off{libm_note}")
    return env


def main(argv):
    if len(argv) < 3 or argv[1] != "--" or argv[0] not in COMPUTERS:
        sys.exit(f"usage: simulated_cpu.py {{{','.join(COMPUTERS)}}} -- COMMAND ...")
    env = check(argv[0])
    if env is None:
        return 0
    return subprocess.run(argv[2:], env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

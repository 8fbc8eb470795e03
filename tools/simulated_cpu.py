"""Run a command as if on another computer: other BLAS kernels, other SIMD loops.

    python tools/simulated_cpu.py NAME -- COMMAND ...

Stored notebook outputs must be the same on every machine that runs the pinned
packages. This machine can imitate others by forcing OpenBLAS's kernel
(``OPENBLAS_CORETYPE``) and switching off NumPy's newer SIMD loops
(``NPY_DISABLE_CPU_FEATURES``). Before running the command, the script checks in
a fresh interpreter that both really took effect, and fails if they did not
(NumPy silently ignores feature names it does not know). Where this CPU lacks
the instructions a simulated kernel needs, or disables nothing, the command is
skipped with a message: that computer cannot be imitated here.
"""

import json
import os
import subprocess
import sys

#: the simulated computers: BLAS kernel, NumPy dispatch targets to switch off, and the
#: NumPy CPU features the kernel needs (it cannot be forced on a CPU without them)
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
    },
}

_PROBE = (
    "import json, numpy, threadpoolctl\n"
    "from numpy._core._multiarray_umath import __cpu_features__\n"
    "blas = [i.get('architecture') for i in threadpoolctl.threadpool_info()"
    " if i['internal_api'] == 'openblas']\n"
    "print(json.dumps({'features': __cpu_features__, 'blas': blas}))\n"
)


def _probe(env):
    """The NumPy CPU features and OpenBLAS kernels seen by a fresh interpreter."""
    out = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)


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
    seen = _probe(env)
    wanted = spec["OPENBLAS_CORETYPE"].lower()
    if any((arch or "").lower() != wanted for arch in seen["blas"]):
        sys.exit(f"simulated_cpu: {name}: OpenBLAS runs {seen['blas']}, not {wanted}")
    switched_off = [feature for feature in spec["NPY_DISABLE_CPU_FEATURES"].split()
                    if native["features"].get(feature)]
    still_on = [feature for feature in switched_off if seen["features"].get(feature)]
    if still_on:
        sys.exit(f"simulated_cpu: {name}: NumPy still uses {', '.join(still_on)}")
    print(f"simulated_cpu: {name}: OpenBLAS {seen['blas'][0]}, NumPy loops "
          f"{', '.join(switched_off) or 'none'} switched off")
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

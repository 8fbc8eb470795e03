"""axe-core, the accessibility checker of the browser tests, pinned and fetched from npm.

Usage: python tools/axe_core.py   (prints the path of ``axe.min.js``, fetching it if needed)

The PyPI wrapper the tests used before ships an older axe-core (4.12); the browser tests
need the rules of :data:`VERSION`. The npm registry's tarball of that version is downloaded
once, checked against the registry's published sha512 (:data:`INTEGRITY`), and its
``axe.min.js`` kept in ``.venv/axe-core-<version>/``, beside the rest of what the project
installs. No npm client is needed: the registry serves the tarball over plain HTTPS.
"""

import base64
import hashlib
import io
import tarfile
import urllib.request
from pathlib import Path

VERSION = "4.14.1"
TARBALL = f"https://registry.npmjs.org/axe-core/-/axe-core-{VERSION}.tgz"
INTEGRITY = (
    "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
)
ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / ".venv" / f"axe-core-{VERSION}" / "axe.min.js"


def _check(data):
    algorithm, digest = INTEGRITY.split("-", 1)
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode("ascii")
    if actual != digest:
        raise RuntimeError(
            f"{TARBALL} does not match its published {algorithm} ({actual} != {digest}): "
            "a corrupted download, or the pin in tools/axe_core.py is wrong"
        )


def axe_script():
    """The path of axe-core's ``axe.min.js`` at :data:`VERSION`, downloaded on first use."""
    if SCRIPT.exists():
        return SCRIPT
    with urllib.request.urlopen(TARBALL, timeout=120) as response:
        data = response.read()
    _check(data)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        script = tar.extractfile("package/axe.min.js").read()
    SCRIPT.parent.mkdir(parents=True, exist_ok=True)
    partial = SCRIPT.with_suffix(".part")
    partial.write_bytes(script)
    partial.replace(SCRIPT)  # never a half-written file under the final name
    return SCRIPT


if __name__ == "__main__":
    print(axe_script())

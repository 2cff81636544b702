"""The photo hash the duplicate check compares: Pillow alone, and still the hash imagehash
gave, so the hashes of photos stored before the change keep matching new ones."""

import subprocess
import sys

import pytest

from storage.media.difference_hash import difference_hash
from tests.support.images import street_scene

# Each printed by imagehash 4.3.2's str(dhash(image)) for the same picture.
IMAGEHASH_GAVE = [
    (1, (640, 480), "cc0c3d6565153123"),
    (2, (640, 480), "641a595032330d8d"),
    (7, (640, 480), "ca03794c49436266"),
    (7, (300, 225), "737b594b33786869"),
    (11, (480, 640), "596c6f2f19646426"),
    (23, (1024, 768), "133337163c3658d8"),
]


@pytest.mark.parametrize(("seed", "size", "expected"), IMAGEHASH_GAVE)
def test_the_hash_is_the_one_imagehash_gave(seed, size, expected):
    assert difference_hash(street_scene(seed, size)) == expected


def test_grey_and_transparent_pictures_hash_as_their_colour_ones():
    scene = street_scene(7)
    assert difference_hash(scene.convert("L")) == difference_hash(scene)
    assert difference_hash(scene.convert("RGBA")) == difference_hash(scene)


def test_hashing_a_photo_loads_no_numpy():
    # What imagehash pulled in (numpy, scipy, PyWavelets) is no longer needed at all.
    code = ("import sys; import storage.media.photo_codec; "
            "print(sorted(m for m in ('numpy', 'scipy', 'pywt', 'imagehash') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=60)
    assert loaded.stdout.strip() == "[]"

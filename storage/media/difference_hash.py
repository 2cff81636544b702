"""The difference hash (dHash) of a photo, with Pillow alone.

It is the hash imagehash's `dhash` gives, bit for bit and in the same hex form, so the
hashes already stored keep matching: shrink to 9×8 grey pixels with Lanczos, and for each
row set a bit where a pixel is brighter than the one on its left. imagehash needs numpy,
scipy and PyWavelets (about 150 MB installed) for these few lines.
"""

from PIL import Image

HASH_SIZE = 8


def difference_hash(image: Image.Image) -> str:
    width = HASH_SIZE + 1
    grey = image.convert("L").resize((width, HASH_SIZE), Image.Resampling.LANCZOS)
    pixels = grey.tobytes()
    bits = 0
    for row in range(HASH_SIZE):
        left = row * width
        for column in range(HASH_SIZE):
            brighter = pixels[left + column + 1] > pixels[left + column]
            bits = bits << 1 | brighter
    return f"{bits:0{HASH_SIZE * HASH_SIZE // 4}x}"

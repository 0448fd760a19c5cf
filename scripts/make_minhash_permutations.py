"""Write newsbot/data/minhash_permutations.json: the MinHash permutation parameters newsbot signs with.

Run once; the file is committed and newsbot reads only the file, so no library upgrade can change a
signature. The recipe is datasketch 2.0's "affine32" scheme with seed 1 (numpy's legacy RandomState,
whose stream numpy keeps stable): odd a = 2·randint(0, 2^31) + 1, b = randint(0, 2^32), num_perm of each —
the parameters every signature stored before this file existed was made with.

    python3 scripts/make_minhash_permutations.py [NUM_PERM …]    # default: 64 128 256
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

SEED = 1
OUT = Path(__file__).resolve().parents[1] / "newsbot" / "data" / "minhash_permutations.json"


def permutations(num_perm: int, seed: int = SEED) -> tuple[list[int], list[int]]:
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return [int(v) for v in a], [int(v) for v in b]


def main(argv: list[str]) -> int:
    sizes = [int(n) for n in argv] or [64, 128, 256]
    data = {"scheme": "affine32", "seed": SEED, "made_by": "scripts/make_minhash_permutations.py",
            "permutations": {str(n): dict(zip(("a", "b"), permutations(n), strict=True)) for n in sizes}}
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({', '.join(map(str, sizes))} permutations)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

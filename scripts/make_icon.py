"""Draws the application icon (resources/icons/workbench.png and .ico): a red tile, a white house, a gold star.

Run once when the design changes; the outputs are committed so neither the app nor the build needs Pillow's
drawing at run time. `python scripts/make_icon.py`
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "resources" / "icons"
RED, WHITE, GOLD = (190, 30, 45, 255), (255, 255, 255, 255), (255, 200, 40, 255)
BIG = 1024  # drawn large, scaled down with a good filter: clean edges at 16 px too


def star(cx: float, cy: float, outer: float) -> list[tuple[float, float]]:
    inner = outer * 0.382
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def draw() -> Image.Image:
    img = Image.new("RGBA", (BIG, BIG), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((32, 32, BIG - 32, BIG - 32), radius=190, fill=RED)
    # the house: a roof triangle and a body, in white
    d.polygon([(512, 170), (850, 470), (174, 470)], fill=WHITE)
    d.rectangle((262, 440, 762, 840), fill=WHITE)
    # a door cut out of the body, and the star of the rating above it
    d.rounded_rectangle((452, 650, 572, 840), radius=20, fill=RED)
    d.polygon(star(512, 530, 105), fill=GOLD)
    return img


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    big = draw()
    big.resize((256, 256), Image.Resampling.LANCZOS).save(OUT / "workbench.png")
    sizes = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]
    big.save(OUT / "workbench.ico", sizes=sizes)
    print("wrote", OUT / "workbench.png", OUT / "workbench.ico")


if __name__ == "__main__":
    main()

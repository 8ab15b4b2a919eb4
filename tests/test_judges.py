"""bench/judges.py: the benchmarks' judges of style tell paintings apart, and strength is measured against the peer."""

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from judges import EfficientGramJudge, luminance_rgb, strength  # noqa: E402

from stylegan_app.engine.images import load_rgb  # noqa: E402

# Paintings whose two halves are painted alike (the Great Wave's are not on luminance: a wave, then a sky).
PAINTINGS = ("van_gogh_church_at_auvers", "van_gogh_night_cafe", "durer_lion", "renoir_bal_du_moulin_de_la_galette")


def halves(name: str):
    image = load_rgb(REPO / "examples" / "styles" / f"{name}.png")
    w, h = image.size
    return image.crop((0, 0, w // 2, h)), image.crop((w // 2, 0, w, h))


@pytest.mark.parametrize("luminance", [False, True])
def test_each_painting_is_nearest_to_its_own_other_half(luminance):
    judge = EfficientGramJudge(luminance=luminance)
    lefts, rights = zip(*(halves(n) for n in PAINTINGS), strict=True)
    right_grams = [judge.grams(r) for r in rights]
    for i, left in enumerate(lefts):
        distances = [judge.distance(left, g) for g in right_grams]
        assert min(range(len(PAINTINGS)), key=distances.__getitem__) == i, (PAINTINGS[i], distances)


def test_luminance_judge_ignores_the_palette():
    judge = EfficientGramJudge(luminance=True)
    image = load_rgb(REPO / "examples" / "styles" / "van_gogh_night_cafe.png")
    assert judge.distance(luminance_rgb(image), judge.grams(image)) == pytest.approx(0.0, abs=1e-6)
    assert EfficientGramJudge().distance(luminance_rgb(image), EfficientGramJudge().grams(image)) > 0.05


def test_strength_is_one_at_the_peer_and_zero_at_the_photo():
    assert strength(0.8, 0.5, 0.5) == 1.0
    assert strength(0.8, 0.8, 0.5) == 0.0
    assert strength(0.8, 0.65, 0.5) == pytest.approx(0.5)

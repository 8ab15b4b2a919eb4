"""Regions suggested for a photo: people, the sky, and the photo's largest areas of one colour. Nothing is downloaded.

People: OpenCV's frontal-face Haar cascade and its HOG pedestrian detector (both ship inside opencv-python-headless)
find where people are; a box grown from each face (head and shoulders down) or each body seeds GrabCut, which cuts the
person out by colour. Everything else uses no weights at all:

The photo is cut into superpixels (SLIC) at WORK_SIDE px, and neighbouring superpixels of a similar mean colour are
merged (a region adjacency graph cut at a Lab distance; finer cuts are tried while fewer than two areas of a useful size
come out, as on a photo that is mostly one colour). The sky is the merged area that touches the top edge,
is bright and is smooth; the other suggestions are the largest merged areas. Every photo gets at least one suggestion.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

WORK_SIDE = 256  # long side the photo is segmented at; masks are scaled back to the photo's size
SEGMENTS = 400  # SLIC superpixels
MERGE_THRESHOLDS = (14.0, 9.0, 6.0)  # Lab distances under which neighbouring superpixels merge, coarse first
MIN_SHARE, MAX_SHARE = 0.06, 0.85  # a suggestion covers between these shares of the photo
MAX_SUGGESTIONS = 4


def suggest_regions(photo: Image.Image) -> list[Image.Image]:
    """Masks (mode L, the photo's size, white = the region): people and the sky where there are some, then the largest
    areas of one colour."""
    from skimage import color, graph, segmentation  # here: the app's first page must not wait for scikit-image

    small = photo.convert("RGB")
    scale = WORK_SIDE / max(small.size)
    small = small.resize((max(8, round(small.width * scale)), max(8, round(small.height * scale))), Image.Resampling.LANCZOS)
    rgb = np.asarray(small, dtype=np.float64) / 255.0
    lab = color.rgb2lab(rgb)
    superpixels = segmentation.slic(rgb, n_segments=SEGMENTS, compactness=10, start_label=1)
    for threshold in MERGE_THRESHOLDS:
        merged = graph.cut_threshold(superpixels, graph.rag_mean_color(lab, superpixels), threshold)
        areas = useful_areas(merged)
        if len(areas) >= 2:
            break
    sky = find_sky(merged, lab, areas)
    people = find_people(np.asarray(small))
    ordered = ([sky] if sky is not None else []) + [label for label in areas if label != sky]
    masks = ([people] if people is not None else []) + [merged == label for label in ordered]
    if not masks:  # one colour everywhere, or only small areas: the upper half still gives the user a start
        top = np.zeros(merged.shape, dtype=bool)
        top[: merged.shape[0] // 2] = True
        masks = [top]
    return [to_mask(mask, photo.size) for mask in masks[:MAX_SUGGESTIONS]]


def find_people(rgb: np.ndarray) -> np.ndarray | None:
    """(H, W) bool: the people in an (H, W, 3) uint8 photo, cut out by GrabCut from boxes grown from detected faces and
    bodies; None when there are none, or when what is cut is not a useful size."""
    import cv2  # here: the app's first page must not wait for OpenCV

    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    h, w = grey.shape
    faces = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml").detectMultiScale(
        grey, scaleFactor=1.1, minNeighbors=6, minSize=(max(12, min(h, w) // 16),) * 2
    )
    boxes = [(x - 1.5 * fw, y - 0.6 * fh, x + 2.5 * fw, y + 8 * fh) for x, y, fw, fh in faces]  # head and shoulders down
    hog = cv2.HOGDescriptor()
    hog.setSVMDetector(cv2.HOGDescriptor_getDefaultPeopleDetector())
    bodies, weights = hog.detectMultiScale(grey, winStride=(8, 8), scale=1.05)
    boxes += [(x, y, x + bw, y + bh) for (x, y, bw, bh), weight in zip(bodies, np.ravel(weights), strict=True) if weight > 0.8]
    if not boxes:
        return None
    people = np.zeros((h, w), dtype=bool)
    for x0, y0, x1, y1 in boxes:
        x0, y0, x1, y1 = max(0, int(x0)), max(0, int(y0)), min(w - 1, int(x1)), min(h - 1, int(y1))
        if x1 - x0 < 8 or y1 - y0 < 8:
            continue
        labels = np.zeros((h, w), np.uint8)
        background, foreground = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
        cv2.grabCut(rgb, labels, (x0, y0, x1 - x0, y1 - y0), background, foreground, 5, cv2.GC_INIT_WITH_RECT)
        people |= (labels == cv2.GC_FGD) | (labels == cv2.GC_PR_FGD)
    return people if MIN_SHARE / 2 <= people.mean() <= MAX_SHARE else None


def useful_areas(merged: np.ndarray) -> list[int]:
    """The labels of areas covering between MIN_SHARE and MAX_SHARE of the photo, largest first."""
    labels, sizes = np.unique(merged, return_counts=True)
    ranked = sorted(zip(labels.tolist(), (sizes / merged.size).tolist(), strict=True), key=lambda item: -item[1])
    return [label for label, share in ranked if MIN_SHARE <= share <= MAX_SHARE]


def find_sky(merged: np.ndarray, lab: np.ndarray, areas: list[int]) -> int | None:
    """The label of the area that reads as sky: most of the top row, bright, smooth and mostly in the upper half."""
    height = merged.shape[0]
    rows = np.arange(height)[:, None].repeat(merged.shape[1], axis=1)
    gradient = np.hypot(*np.gradient(lab[..., 0]))
    best, best_top = None, 0.0
    for label in areas:
        inside = merged == label
        top_share = inside[0].mean()
        if top_share < 0.3 or rows[inside].mean() > 0.45 * height:
            continue
        if lab[..., 0][inside].mean() < 45 or gradient[inside].mean() > 4.0:
            continue
        if top_share > best_top:
            best, best_top = label, top_share
    return best


def to_mask(area: np.ndarray, size: tuple[int, int]) -> Image.Image:
    """A boolean area at the working size as a mode-L mask of the photo's size (width, height)."""
    return Image.fromarray(area.astype(np.uint8) * 255, mode="L").resize(size, Image.Resampling.NEAREST)

"""Line drawings: what a sketch model is given, made from an image the way a person would draw it, or a drawing cleaned.

A painting's line drawing is its edges (Canny, from OpenCV, which ships offline, on the slightly blurred luminance with
thresholds set from the image's own gradients), drawn dark on white and thickened to the width of a pen or of the
browser's brush. pix2pix learns the way back, from the drawing to the painting. A user's drawing (dark strokes on a
light ground, from the sketchpad or a scan) is binarised to the same look before it is painted.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

LINE_WIDTH = 0.006  # drawn line width as a share of the long side (2 px at 320 px)
EDGE_SHARE = 0.1  # the share of places whose gradient is strong enough to start a line


def line_drawing(image: Image.Image) -> Image.Image:
    """The image's edges as dark lines on white (RGB, the same size)."""
    grey = np.asarray(image.convert("L"))
    blurred = cv2.GaussianBlur(grey, (0, 0), sigmaX=max(1.0, 0.003 * max(grey.shape)))
    # Thresholds from the image's own gradients (Canny's L1 magnitude of 3x3 Sobel): the strongest EDGE_SHARE of places
    # start lines, half as strong continue them, so a hazy photo gets its lines as a crisp one does.
    gradient = np.abs(cv2.Sobel(blurred, cv2.CV_32F, 1, 0)) + np.abs(cv2.Sobel(blurred, cv2.CV_32F, 0, 1))
    high = max(8.0, float(np.percentile(gradient, 100 * (1 - EDGE_SHARE))))
    edges = cv2.Canny(blurred, 0.5 * high, high)
    return _drawn(edges > 0, max(grey.shape))


def cleaned_drawing(drawing: Image.Image) -> Image.Image:
    """A user's drawing (dark strokes on a light ground, any colour; transparent counts as white) as the same dark
    lines on white that the sketch models were trained on."""
    if drawing.mode in ("RGBA", "LA", "PA", "P"):
        ground = Image.new("RGBA", drawing.size, (255, 255, 255, 255))
        drawing = Image.alpha_composite(ground, drawing.convert("RGBA"))
    grey = np.asarray(drawing.convert("L"))
    strokes = grey < min(200, int(np.median(grey)) - 40)  # darker than the ground by a clear margin
    if not strokes.any():
        raise ValueError("The drawing is empty: draw some lines (dark on a light ground) first.")
    return _drawn(strokes, max(grey.shape))


def _drawn(lines: np.ndarray, long_side: int) -> Image.Image:
    """(H, W) bool -> those lines, thickened to LINE_WIDTH, black on white RGB."""
    width = max(1, round(LINE_WIDTH * long_side))
    if width > 1:
        lines = cv2.dilate(lines.astype(np.uint8), np.ones((width, width), np.uint8)) > 0
    return Image.fromarray(np.where(lines, 0, 255).astype(np.uint8), mode="L").convert("RGB")

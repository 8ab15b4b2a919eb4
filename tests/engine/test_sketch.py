"""Line drawings: edges of an image drawn dark on white, and a user's drawing cleaned to the same look."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from stylegan_app.engine.sketch import cleaned_drawing, line_drawing


def square_on_grey(size=(160, 120)) -> Image.Image:
    image = Image.new("RGB", size, (120, 120, 120))
    ImageDraw.Draw(image).rectangle([40, 30, 110, 90], fill=(230, 200, 60))
    return image


def test_a_line_drawing_is_dark_lines_on_white_along_the_edges():
    drawing = np.asarray(line_drawing(square_on_grey()))
    assert drawing.shape == (120, 160, 3) and set(np.unique(drawing)) <= {0, 255}
    dark = drawing[..., 0] == 0
    assert dark[60, 38:43].any() and dark[28:33, 75].any()  # on the square's left and top edges
    assert not dark[60, 75] and not dark[10, 10]  # not inside it, not on the flat ground


def test_a_user_s_coloured_strokes_become_black_lines_on_white():
    sketch = Image.new("RGBA", (100, 80), (0, 0, 0, 0))  # the sketchpad's transparent ground
    ImageDraw.Draw(sketch).line([(10, 40), (90, 40)], fill=(30, 60, 200, 255), width=3)
    drawing = np.asarray(cleaned_drawing(sketch))
    assert drawing[40, 50].tolist() == [0, 0, 0] and drawing[10, 50].tolist() == [255, 255, 255]


def test_an_empty_drawing_is_refused():
    with pytest.raises(ValueError, match="empty"):
        cleaned_drawing(Image.new("RGB", (64, 64), "white"))

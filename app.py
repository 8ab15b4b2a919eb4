"""Entry point for `python app.py` and a Hugging Face Space: builds the service and launches the UI."""

from stylegan_app.service import StyleService
from stylegan_app.ui import build_demo

demo = build_demo(StyleService())

if __name__ == "__main__":
    demo.queue(max_size=16).launch()

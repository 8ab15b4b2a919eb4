"""The other GANs as features: paint a drawing (a sketch model), a photo in a collection's manner (a collection model),
new canvases (a canvas model). Each call checks its inputs against the limits before any model is read."""

from __future__ import annotations

from PIL import Image

from stylegan_app.engine.checkpoint import load_model
from stylegan_app.engine.dcgan import CanvasGenerator, canvas_noise, paint_canvases
from stylegan_app.engine.gan_models import GanModel, get_gan_model, list_gan_models
from stylegan_app.engine.images import decode_image
from stylegan_app.engine.pix2pix import UNet, translate
from stylegan_app.engine.sampling import prepare_content
from stylegan_app.engine.sketch import cleaned_drawing

from .checks import check_count, check_seed, check_size
from .service_state import ServiceState

ImageSource = bytes | str | Image.Image  # an upload's bytes, a path, or an image

CANVAS_SHOWN = 256  # canvases are painted at their model's size and shown at this side (nearest: no invented detail)


class GanPaintingMethods(ServiceState):
    """gan_models, paint_drawing, paint_in_collection, paint_canvases."""

    def gan_models(self, mode: str | None = None) -> list[GanModel]:
        """The shipped models of the other GANs ("pix2pix", "cyclegan" or "dcgan"; None: all)."""
        return list_gan_models(self.settings.gans_dir, mode)

    def _gan_model(self, name: str, mode: str) -> UNet | CanvasGenerator:
        """A shipped model's network, read-only, loaded once."""
        folder = get_gan_model(name, self.settings.gans_dir, mode).folder
        with self._lock:
            if folder not in self._gan_networks:
                self._gan_networks[folder] = load_model(folder, self.device).requires_grad_(False)
            return self._gan_networks[folder]

    def paint_drawing(self, drawing: ImageSource, model: str, n: int = 4, seed: int = 0, size: int = 384) -> list[Image.Image]:
        """n paintings of a line drawing (dark strokes on a light ground) by a sketch model, one per draw of its noise."""
        return self._translate("pix2pix", drawing, model, n, seed, size, cleaned_drawing)

    def paint_in_collection(self, photo: ImageSource, model: str, n: int = 4, seed: int = 0, size: int = 384) -> list[Image.Image]:
        """n takes on a photo in a collection's manner, one per draw of the collection model's noise."""
        return self._translate("cyclegan", photo, model, n, seed, size, lambda image: image)

    def _translate(self, mode: str, source: ImageSource, model: str, n: int, seed: int, size: int, prepare) -> list[Image.Image]:
        """The inputs checked, the image decoded, sized and prepared (a drawing cleaned), then n draws of the U-Net."""
        check_count(n, self.limits)
        check_seed(seed, self.limits)
        check_size(size, self.limits)
        image = prepare(prepare_content(decode_image(source, self.limits.images), size, self.limits.max_size))
        return translate(self._gan_model(model, mode), image, n, seed, max(image.size), self.device)

    def paint_canvases(self, model: str, n: int = 8, seed: int = 0) -> list[Image.Image]:
        """n new canvases in a painting's manner, from noise (seeded), shown at CANVAS_SHOWN px."""
        check_count(n, self.limits)
        check_seed(seed, self.limits)
        network = self._gan_model(model, "dcgan")
        canvases = paint_canvases(network, canvas_noise(n, network.z_dim, seed), self.device)
        return [c.resize((CANVAS_SHOWN, CANVAS_SHOWN), Image.Resampling.NEAREST) for c in canvases]

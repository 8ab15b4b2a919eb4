"""Generator G(content, z, code): a light feed-forward stylisation network; z picks the variant, code the painting."""

from __future__ import annotations

from dataclasses import asdict, replace

import torch
import torch.nn.functional as F
from huggingface_hub import PyTorchModelHubMixin
from torch import nn

from stylegan_app.config import ModelConfig
from stylegan_app.engine.regions import CodeMap

OUTPUT_GAIN = 1.2
REGION_FLOOR = 1e-4  # attention between places that share no region is cut to this share (never exactly 0)
SUBNORMAL_GUARD = 80.0  # exp(-80) = 1.8e-35 is still a normal float32 (those start at 1.2e-38)


def regional_norm(x: torch.Tensor, regions: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """Instance norm within regions: (B, C, H, W), soft weights (R, h, w) summing to 1 -> the weights' blend of
    (x - mean_r) / std_r, each region's statistics taken over that region alone (as if it were the whole image)."""
    weights = F.interpolate(regions[None].to(x), size=x.shape[-2:], mode="bilinear", align_corners=False)[0]
    out = torch.zeros_like(x)
    for weight in weights:
        area = weight.sum().clamp_min(eps)
        mean = (x * weight).sum(dim=(-2, -1), keepdim=True) / area
        var = ((x - mean).pow(2) * weight).sum(dim=(-2, -1), keepdim=True) / area
        out = out + weight * (x - mean) * torch.rsqrt(var + eps)
    return out


class ModulatedNorm(nn.Module):
    """Instance norm with scale and shift predicted from the mapped noise w: one w per image, or a map of them (regions)."""

    def __init__(self, channels: int, w_dim: int) -> None:
        super().__init__()
        self.norm = nn.InstanceNorm2d(channels, affine=False)
        self.affine = nn.Linear(w_dim, 2 * channels)
        nn.init.normal_(self.affine.weight, std=0.05)
        nn.init.zeros_(self.affine.bias)

    def forward(self, x: torch.Tensor, w: torch.Tensor, regions: torch.Tensor | None = None) -> torch.Tensor:
        """x: (B, C, H, W); w: (B, w_dim), or (B, w_dim, h, w), resized here to x's size (bilinear: soft seams);
        regions: None, or (R, h, w) soft weights, each region normalised on its own (regional_norm)."""
        if w.dim() == 2:
            gamma, beta = self.affine(w)[:, :, None, None].chunk(2, dim=1)  # (B, C, 1, 1) each
        else:
            w = F.interpolate(w, size=x.shape[-2:], mode="bilinear", align_corners=False)
            gamma, beta = F.conv2d(w, self.affine.weight[:, :, None, None], self.affine.bias).chunk(2, dim=1)  # (B, C, H, W)
        normed = self.norm(x) if regions is None else regional_norm(x, regions)
        return normed * (1.0 + gamma) + beta


def conv3x3(c_in: int, c_out: int, stride: int = 1) -> nn.Conv2d:
    """3x3 convolution with reflection padding (no border artefacts)."""
    return nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, padding_mode="reflect")


class ResBlock(nn.Module):
    """Two z-modulated 3x3 convs with a skip connection."""

    def __init__(self, channels: int, w_dim: int) -> None:
        super().__init__()
        self.conv1, self.norm1 = conv3x3(channels, channels), ModulatedNorm(channels, w_dim)
        self.conv2, self.norm2 = conv3x3(channels, channels), ModulatedNorm(channels, w_dim)

    def forward(self, x: torch.Tensor, w: torch.Tensor, regions: torch.Tensor | None = None) -> torch.Tensor:
        h = F.relu(self.norm1(self.conv1(x), w, regions))
        return x + self.norm2(self.conv2(h), w, regions)


class SelfAttention(nn.Module):
    """SAGAN-style self-attention; its output gain starts at 0 so it is off until trained."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.query = nn.Conv2d(channels, channels // 8, 1)
        self.key = nn.Conv2d(channels, channels // 8, 1)
        self.value = nn.Conv2d(channels, channels, 1)
        self.gain = nn.Parameter(torch.zeros(1))
        self.last_map: torch.Tensor | None = None  # (B, HW) attention received per position

    def weights(self, x: torch.Tensor, regions: torch.Tensor | None = None) -> torch.Tensor:
        """(B, C, H, W) -> (B, HW, HW): how much each position (row) takes from every other (column); rows sum to 1.

        regions: None, or (R, H, W) soft weights: a position then attends within its own region (the chance two places
        share a region, sum_r w_r(i) w_r(j), multiplies the weights), so one region's painting does not leak into another.
        """
        q = self.query(x).flatten(2).transpose(1, 2)  # (B, HW, C/8)
        k = self.key(x).flatten(2)  # (B, C/8, HW)
        logits = q @ k / (k.shape[1] ** 0.5)
        if regions is not None:
            places = regions.flatten(1).to(logits)  # (R, HW)
            logits = logits + torch.log(places.T @ places + REGION_FLOOR)
        # A trained map is sharp (logits spread over hundreds), so most weights are below float32's normal range, and
        # a CPU multiplies such subnormal numbers many times slower (a 512 px photo took 0.79 s instead of 0.21 s).
        # Weights under exp(-SUBNORMAL_GUARD) of the largest are raised to that: normal numbers, a change below 1e-30.
        logits = torch.maximum(logits, logits.amax(dim=-1, keepdim=True) - SUBNORMAL_GUARD)
        return torch.softmax(logits, dim=-1)

    def forward(self, x: torch.Tensor, regions: torch.Tensor | None = None) -> torch.Tensor:
        b, c, h, w = x.shape
        attn = self.weights(x, regions)
        self.last_map = attn.detach().mean(dim=1)
        v = self.value(x).flatten(2)  # (B, C, HW)
        out = (v @ attn.transpose(1, 2)).view(b, c, h, w)
        return x + self.gain * out


class UpBlock(nn.Module):
    """Resize-convolution: bilinear upsampling then a 3x3 conv (no checkerboard artefacts)."""

    def __init__(self, c_in: int, c_out: int, w_dim: int) -> None:
        super().__init__()
        self.conv, self.norm = conv3x3(c_in, c_out), ModulatedNorm(c_out, w_dim)

    def forward(self, x: torch.Tensor, w: torch.Tensor, regions: torch.Tensor | None = None) -> torch.Tensor:
        x = F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)
        return F.relu(self.norm(self.conv(x), w, regions))


class Generator(
    nn.Module,
    PyTorchModelHubMixin,
    library_name="stylegan_app",
    tags=["style-transfer", "image-to-image", "gan"],
    pipeline_tag="image-to-image",
    license="mit",
):
    """G(content, z, code): RGB in [-1, 1], noise z and a painting's style code -> stylised RGB in [-1.2, 1.2], same size.

    A multi-style generator (n_styles > 0) holds one learned code per painting (conditional instance norm, Dumoulin et
    al., through the mapping): `mix(weights)` blends codes, so a mix of paintings is one forward pass. A single-style
    generator (n_styles = 0) takes no code. Outputs are clamped for display.
    """

    def __init__(
        self,
        z_dim: int = ModelConfig.z_dim,
        channels: tuple[int, int, int] | list[int] = ModelConfig.channels,
        n_res: int = ModelConfig.n_res,
        attention: bool = ModelConfig.attention,
        mapping_dim: int = ModelConfig.mapping_dim,
        n_styles: int = ModelConfig.n_styles,
        style_dim: int = ModelConfig.style_dim,
    ) -> None:
        """The arguments are ModelConfig's fields (PyTorchModelHubMixin stores them in config.json by name)."""
        super().__init__()
        self.config = ModelConfig(z_dim, tuple(channels), n_res, attention, mapping_dim, n_styles, style_dim)
        c0, c1, c2 = self.config.channels
        self.z_dim = z_dim
        self.style_codes = nn.Parameter(0.5 * torch.randn(n_styles, style_dim)) if n_styles else None  # (n_styles, style_dim)
        code_dim = style_dim if n_styles else 0
        self.mapping = nn.Sequential(
            nn.Linear(z_dim + code_dim, mapping_dim), nn.LeakyReLU(0.2), nn.Linear(mapping_dim, mapping_dim), nn.LeakyReLU(0.2)
        )
        # Encoder: pixel-unshuffle to 1/2 size (cheap), then two strided convs to 1/8. Each stage's
        # output is also added to the decoder at the same size, so fine detail survives the bottleneck.
        self.encoder = nn.ModuleList(
            [
                nn.Sequential(nn.PixelUnshuffle(2), conv3x3(12, c0), nn.InstanceNorm2d(c0, affine=True), nn.ReLU()),
                nn.Sequential(conv3x3(c0, c1, stride=2), nn.InstanceNorm2d(c1, affine=True), nn.ReLU()),
                nn.Sequential(conv3x3(c1, c2, stride=2), nn.InstanceNorm2d(c2, affine=True), nn.ReLU()),
            ]
        )
        self.body = nn.ModuleList(ResBlock(c2, mapping_dim) for _ in range(n_res))
        self.attention = SelfAttention(c2) if attention else None
        self.up = nn.ModuleList([UpBlock(c2, c1, mapping_dim), UpBlock(c1, c0, mapping_dim)])
        self.to_rgb = conv3x3(c0, 3)

    @classmethod
    def from_config(cls, config: ModelConfig) -> Generator:
        """Build a generator from a ModelConfig."""
        return cls(**asdict(config))

    def config_dict(self) -> dict:
        """The constructor arguments, as stored in config.json."""
        return {**asdict(self.config), "channels": list(self.config.channels)}

    def mix(self, weights: torch.Tensor) -> torch.Tensor:
        """(B, n_styles) weights over the paintings -> (B, style_dim) codes: a one-hot row is that painting's code."""
        if self.style_codes is None:
            raise ValueError("This generator holds a single style: it has no style codes to mix.")
        if weights.ndim != 2 or weights.shape[1] != self.style_codes.shape[0]:
            raise ValueError(f"Mix weights must be (B, {self.style_codes.shape[0]}), not {tuple(weights.shape)}.")
        return weights.to(self.style_codes.dtype) @ self.style_codes

    @torch.no_grad()
    def with_code(self, code: torch.Tensor) -> Generator:
        """A single-style copy that paints this code: the code's share of the mapping's first layer becomes its bias.

        Exact, since that layer is linear in cat(z, code): W @ [z; c] + b = W_z @ z + (W_c @ c + b). The copy takes no
        code, so it trains, exports and loads like any single-style model. code: (style_dim,).
        """
        if self.style_codes is None:
            raise ValueError("This generator holds a single style: it has no style codes to choose from.")
        single = Generator.from_config(replace(self.config, n_styles=0)).to(self.style_codes.device)
        state = {k: v for k, v in self.state_dict().items() if k != "style_codes"}
        first = self.mapping[0]
        state["mapping.0.weight"] = first.weight[:, : self.z_dim].clone()
        state["mapping.0.bias"] = first.bias + first.weight[:, self.z_dim :] @ code.to(first.weight)
        single.load_state_dict(state)
        return single.train(self.training)

    def map_codes(self, z: torch.Tensor, codes: CodeMap, size: tuple[int, int]) -> torch.Tensor:
        """(B, z_dim) and a CodeMap -> (B, mapping_dim, *size): the mapping applied at every place of the map, with the
        same weights as for one code, so a uniform map paints as its code does."""
        places = codes.places(size).to(z.dtype).expand(z.shape[0], -1, -1, -1)
        h = torch.cat([z[:, :, None, None].expand(-1, -1, *size), places], dim=1)
        for layer in self.mapping:
            h = F.conv2d(h, layer.weight[:, :, None, None], layer.bias) if isinstance(layer, nn.Linear) else layer(h)
        return h

    def forward(self, content: torch.Tensor, z: torch.Tensor, code: torch.Tensor | CodeMap | None = None) -> torch.Tensor:
        """(B, 3, H, W), (B, z_dim), (B, style_dim) -> (B, 3, H, W); any H, W (padded to a multiple of 8 inside).

        code: the painting's style code (see mix), required by a multi-style generator, refused by a single-style one:
        (B, style_dim) or (1, style_dim), or a CodeMap (regions, engine/regions.py): every layer reads the code at each
        place at its own size, and normalises each region by its own statistics.
        """
        if (code is None) != (self.style_codes is None):
            raise ValueError("A multi-style generator needs a style code; a single-style one takes none.")
        h, w = content.shape[-2:]
        pad_h, pad_w = (-h) % 8, (-w) % 8
        x = F.pad(content, (0, pad_w, 0, pad_h), mode="reflect") if pad_h or pad_w else content
        regions = None
        if isinstance(code, CodeMap):
            grid = (x.shape[-2] // 8, x.shape[-1] // 8)
            style, regions = self.map_codes(z, code, grid), code.weights_at(grid)
        else:
            style = self.mapping(z if code is None else torch.cat([z, code.to(z.dtype).expand(z.shape[0], -1)], dim=1))
        skips = []
        for stage in self.encoder:
            x = stage(x)
            skips.append(x)  # (B, c0, H/2, W/2), (B, c1, H/4, W/4), (B, c2, H/8, W/8)
        for block in self.body:
            x = block(x, style, regions)
        if self.attention is not None:
            x = self.attention(x, regions)
        for block, skip in zip(self.up, (skips[1], skips[0]), strict=True):
            x = block(x, style, regions) + skip
        x = F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)
        # A tanh scaled past the pixel range: white is reached at tanh = 0.83, where the gradient is
        # still 0.3, so a bright region of the photo can still learn the painting's colours (a plain
        # tanh saturates there and stalls). Training penalises values beyond [-1, 1]; images are clamped.
        return OUTPUT_GAIN * torch.tanh(self.to_rgb(x)[..., :h, :w])

"""scripts/convert_lossnet.py's unpickler: numpy arrays load, any other global is refused before it can run."""

import io
import os
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from convert_lossnet import NumpyOnlyUnpickler  # noqa: E402


def test_numpy_arrays_in_nested_dicts_load():
    data = {"VGG16_0": {"Conv_0": {"kernel": np.arange(6, dtype=np.float32).reshape(1, 2, 3), "bias": np.zeros(3)}}}
    loaded = NumpyOnlyUnpickler(io.BytesIO(pickle.dumps(data))).load()
    assert np.array_equal(loaded["VGG16_0"]["Conv_0"]["kernel"], data["VGG16_0"]["Conv_0"]["kernel"])


class Exploit:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_a_pickle_that_would_run_code_is_refused():
    with pytest.raises(pickle.UnpicklingError, match="refused global"):
        NumpyOnlyUnpickler(io.BytesIO(pickle.dumps(Exploit()))).load()

"""The deployment runtime: a bundle served by onnxruntime and NumPy.

    from export.runtime import Predictor
    predictor = Predictor.load("bundles/forecast")
    predictor.predict(history)                 # as the zoo model's predict
    stream = predictor.stream()                # streaming forecasters
    stream.update(row); stream.forecast()

Nothing here imports TensorFlow or Keras (a test runs it with both blocked).
"""

from export.bundle import BundleError
from export.runtime.graph import InputError
from export.runtime.predictor import Predictor

__all__ = ["BundleError", "InputError", "Predictor"]

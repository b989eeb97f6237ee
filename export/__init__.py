"""ONNX export of zoo models, verification against onnxruntime, and a TF-free runtime."""

"""Fitted models shipped as data and run at analysis time without torch (base layer).

Several stages read the same kind of model (the summary ranker in synthesize,
the pair trees in align); the evaluator lives here, below every stage, so no
stage imports a later one to read its model. ``cross_encoder`` holds the
sentence-pair judge (int8 ONNX) behind facts and conflicts.
"""

from storylens.models.trees import TreeModel, read_model_file

__all__ = ["TreeModel", "read_model_file"]

import pytest

import zoo.layers as zl

# Every zoo recurrent layer with the extra arguments it needs: tests
# parametrized over this list cover a new variant once it is added here.
LAYER_FACTORIES = {
    "LSTM": lambda **kw: zl.LSTM(6, **kw),
    "PeepholeLSTM": lambda **kw: zl.PeepholeLSTM(6, peephole_initializer="glorot_uniform", **kw),
    "CIFGLSTM": lambda **kw: zl.CIFGLSTM(6, **kw),
    "LayerNormLSTM": lambda **kw: zl.LayerNormLSTM(6, **kw),
    "ProjectionLSTM": lambda **kw: zl.ProjectionLSTM(6, projection_units=3, **kw),
}


@pytest.fixture(params=sorted(LAYER_FACTORIES))
def layer_factory(request):
    return LAYER_FACTORIES[request.param]

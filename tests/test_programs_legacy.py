"""Programs in the style of the PyTorch 0.4-1.x tutorials that most learners still find
(``Variable``, ``torch.FloatTensor``, ``.data``, ``size_average=``, ``.type(torch.LongTensor)``,
``volatile=True``), written for this test (none is copied), run unchanged with ``import torch``
finding PyTorch and then minigrad: each must print what PyTorch prints, warnings included
(issue 17, "Tests")."""
import contextlib
import importlib
import io
import sys
import warnings

import pytest

torch = pytest.importorskip("torch")

_ALIASES = {"torch": "minigrad", "torch.nn": "minigrad.nn",
            "torch.nn.functional": "minigrad.nn.functional", "torch.optim": "minigrad.optim",
            "torch.autograd": "minigrad.autograd", "torch.utils": "minigrad.utils",
            "torch.utils.data": "minigrad.utils.data"}


def _printed(source, use_minigrad):
    """What the program prints (and the categories and first words of its warnings)."""
    saved = {name: sys.modules.get(name) for name in _ALIASES}
    out = io.StringIO()
    try:
        if use_minigrad:
            for name, target in _ALIASES.items():
                sys.modules[name] = importlib.import_module(target)
        with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out):
            warnings.simplefilter("always")
            exec(compile(source, "<program>", "exec"), {"__name__": "__program__"})
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    kinds = sorted({(w.category.__name__, str(w.message).split()[0].replace("minigrad", "torch"))
                    for w in caught})
    return out.getvalue().replace("minigrad", "torch"), kinds


REGRESSION = '''
import torch
from torch.autograd import Variable

x_data = Variable(torch.Tensor([[1.0], [2.0], [3.0]]))
y_data = Variable(torch.Tensor([[2.0], [4.0], [6.0]]))
w = Variable(torch.FloatTensor([1.0]), requires_grad=True)
for epoch in range(5):
    loss = (x_data * w - y_data).pow(2).sum()
    loss.backward()
    print("epoch", epoch, "loss %.4f" % loss.data.item(), "grad %.4f" % w.grad.data[0])
    w.data = w.data - 0.01 * w.grad.data
    w.grad.data.zero_()
print("w =", w.data, w.type(), type(w.data).__name__ == "Tensor", w.requires_grad)
'''

CLASSIFIER = '''
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.autograd import Variable

class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.fc1 = nn.Linear(4, 3)
        self.fc2 = nn.Linear(3, 2)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.dropout(x, p=0.5, training=self.training)
        return F.log_softmax(self.fc2(x), dim=1)

net = Net()
net.fc1.weight.data = torch.FloatTensor([[0.1, -0.2, 0.3, 0.0], [0.2, 0.1, -0.1, 0.4],
                                         [-0.3, 0.2, 0.2, 0.1]])
net.fc1.bias.data.fill_(0.1)
net.fc2.weight.data = torch.FloatTensor([[0.5, -0.4, 0.3], [-0.2, 0.3, 0.1]])
net.fc2.bias.data.zero_()
print(net)
data = torch.from_numpy(np.array([[1, 2, 3, 4], [4, 3, 2, 1], [0, 1, 0, 1], [2, 2, 2, 2]],
                                 dtype=np.float32))
target = torch.from_numpy(np.array([0, 1, 1, 0])).type(torch.LongTensor)
optimizer = optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
net.eval()  # no dropout: the same numbers in both libraries
for step in range(4):
    optimizer.zero_grad()
    output = net(Variable(data))
    loss = F.nll_loss(output, Variable(target), size_average=True)
    loss.backward()
    optimizer.step()
    print(step, "%.5f" % loss.item())
test = Variable(data, volatile=True)
output = net(test)
_, predicted = torch.max(output.data, 1)
correct = (predicted == target).sum()
print("accuracy", correct.item(), "/", target.size(0), predicted.type(), correct.dim())
print(torch.LongTensor(2, 3).shape, torch.ByteTensor([1, 0, 1]).type(), data.type())
print(data.view(-1, 8).size(), data.type(torch.DoubleTensor).dtype, target.data.numpy().tolist())
'''


@pytest.mark.parametrize("source", [REGRESSION, CLASSIFIER], ids=["regression", "classifier"])
def test_a_legacy_style_program_prints_what_pytorch_prints(source):
    theirs = _printed(source, use_minigrad=False)
    ours = _printed(source, use_minigrad=True)
    assert ours[0] == theirs[0]
    assert ours[1] == theirs[1]

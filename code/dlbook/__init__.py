"""Companion package of the executable textbook *Deep Learning, Lecture 1: Introduction*.

Import the module that shares its name with the page you are reading, e.g.
``from dlbook import plasticity``. Modules are not imported here, so that a page
which needs only NumPy does not pay for importing PyTorch.
"""

import os

# PyTorch's CPU kernels run on OpenMP threads, which by default spin while they wait for work.
# On a machine whose cores are shared with other processes (a book build executes pages in
# parallel), spinning threads starve each other and training slows down tenfold or more; waiting
# passively avoids that. It must be set before torch is first imported, and a value the user set wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.2.0"

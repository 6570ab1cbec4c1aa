"""Companion package of the executable textbook *Deep Learning, Lecture 1: Introduction*.

Import the module that shares its name with the page you are reading, e.g.
``from dlbook import plasticity``. Modules are not imported here, so that a page
which needs only NumPy does not pay for importing PyTorch. Importing the package
changes nothing else: no environment variable, no global setting.
"""

__version__ = "0.5.0"

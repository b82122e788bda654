"""Lazy public faces: a package's names imported only when first used.

Every stage package (and the top-level package) lists its public names and where each is
defined; :func:`lazy_exports` turns that list into the module's ``__getattr__`` and
``__dir__``, so importing one stage never loads the libraries of the others (scoring one lead
from a workflow does not import training, plotting or explanation code).

Example
-------
>>> getattr_, dir_ = lazy_exports("leadscore.io", {"read_leads": "read"}, {})
>>> getattr_("read_leads").__name__
'read_leads'
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping

__all__ = ["lazy_exports"]


def lazy_exports(package: str, exports: Mapping[str, str], namespace: Mapping) -> tuple[Callable, Callable]:
    """The ``__getattr__`` and ``__dir__`` of a package whose names are imported on first use.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    exports : mapping of str to str
        Public name -> the module that defines it: a module of the package ("read"), or a full
        dotted path ("leadscore.model.tiers"). A name that is itself a module's last part
        ("charts" -> "leadscore.present.charts") gives the module.
    namespace : mapping
        The package's ``globals()``, for ``__dir__``.
    """

    def module_of(name: str):
        target = exports[name]
        return importlib.import_module(target if target.startswith("leadscore") else f"{package}.{target}")

    def __getattr__(name: str):
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = module_of(name)
        if module.__name__.rsplit(".", 1)[-1] == name and not hasattr(module, name):
            return module
        return getattr(module, name)

    def __dir__():
        return sorted(list(namespace) + list(exports))

    return __getattr__, __dir__

"""UNSET stays one object through copy, deepcopy and pickle.

Models compare their fields with ==, and UNSET (the generated `Unset` class's one
instance, "this optional field was absent") has no __eq__: a copied model holding a second
Unset object would compare unequal to its original. Registering a reducer with copyreg,
which copy and pickle both consult, fixes that without a template override of the
generated types module. The facade takes UNSET and Unset from here, so the reducer is
registered whenever the generated layer is in use.
"""

from __future__ import annotations

import copyreg

from ._generated.types import UNSET, Unset

__all__ = ["UNSET", "Unset"]


def _reduce_unset(value: Unset) -> str:
    # A string means "the module-level global of that name": pickle stores a reference to
    # types.UNSET, and copy and deepcopy return the object itself.
    return "UNSET"


copyreg.pickle(Unset, _reduce_unset)

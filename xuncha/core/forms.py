"""What every app's forms share."""

from __future__ import annotations

from typing import TypeVar

from django import forms

FieldT = TypeVar("FieldT", bound=forms.Field)


def form_field(form: forms.BaseForm, name: str, kind: type[FieldT]) -> FieldT:
    """A bound form's own copy of the field ``name``, as the kind it was declared as.

    For setting what depends on the request (a field's queryset or choices): ``form.fields``
    holds plain ``Field``s as far as the type checker knows.
    """
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"field {name!r} is a {type(field).__name__}, not a {kind.__name__}")
    return field


__all__ = ["form_field"]

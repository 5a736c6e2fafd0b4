"""The assign menu of the claim page and the claims list."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User


class AssignForm(forms.Form):
    """Reads the chosen person; whether they can be given a claim is the service's rule
    (claims.services.claims.claim_assign), so its message is the one the desk sees."""

    assignee = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={"invalid": "Choose a person from the list."},
    )

    def clean_assignee(self) -> User | None:
        pk = self.cleaned_data.get("assignee")
        if pk is None:
            return None  # "Nobody": take the claim off whoever has it
        user: User | None = get_user_model().objects.filter(pk=pk).first()
        if user is None:
            raise forms.ValidationError("Nobody at the desk has that account any more.")
        return user

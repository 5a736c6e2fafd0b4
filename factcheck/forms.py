"""The project's own forms (the second factor's pages in factcheck.views)."""

from django import forms


class CodeForm(forms.Form):
    # One box for both kinds of code: digits are an authenticator's, letters a backup code
    # (factcheck.two_factor chooses the device from that).
    code = forms.CharField(
        label="Code",
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def refuse(self, message: str) -> None:
        """Show ``message`` under an empty box: a refused one-time code is no use to retype."""
        self.add_error("code", message)
        self.data = {**self.data, "code": ""}

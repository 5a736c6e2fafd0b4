"""The default verdict scale (DESIGN.md); admins may rename, extend or retire steps later."""

from typing import Any

from claims.engine.vocabulary import Status

# (position, label, schema.org ratingValue or None, description)
DEFAULT_SCALE: list[tuple[int, str, int | None, str]] = [
    (1, "True", 5, "The claim is accurate and nothing significant is missing."),
    (2, "Mostly true", 4, "Accurate but needs clarification or additional information."),
    (3, "Mixed", 3, "Partly accurate, partly not."),
    (
        4,
        "Mostly false",
        2,
        "Contains an element of truth but ignores facts that change the picture.",
    ),
    (5, "False", 1, "The claim is not accurate."),
    (6, "Unproven", None, "The evidence available does not settle it either way."),
]


def seed_default_scale(apps: Any) -> None:
    """Create the default steps that are missing; ``apps`` as in ``claims.roles``."""
    Rating = apps.get_model("claims", "Rating")
    for position, label, value, description in DEFAULT_SCALE:
        if (
            not Rating.objects.filter(label=label).exists()
            and not Rating.objects.filter(position=position).exists()
        ):
            Rating.objects.create(
                label=label, position=position, rating_value=value, description=description
            )


def rating_label_for(status: str, credibility: int) -> str:
    """The step of the default verdict scale an accepted automatic status maps to."""
    if status == Status.CORROBORATED:
        return "True" if credibility == 1 else "Mostly true"
    if status == Status.DISPUTED:
        return "Mixed"
    if status == Status.REFUTED:
        return "False" if credibility == 5 else "Mostly false"
    return "Unproven"

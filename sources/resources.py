"""Sources as CSV rows for the admin's import and export (django-import-export).

One row per source, found again by its name: name, kind, country, role, grade, parent (by
name), description, and its aliases and domains joined by "; ". An import is shown first as a
dry run (each row: new, update, skip or refused, with the change) and applied only when the
admin confirms it. The rules every other way of editing a source follows hold here too: a name
or an alias that another source already has (after normalisation, sources.names) is refused
with the other source named (Source.clean, and the alias check of SourceAlias.clean), as is a
domain another source holds, a cyclic parent or an unknown grade; a refused row is reported,
never stored. Aliases and domains listed are added to the source; none are taken away.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from sources.models import Source, SourceAlias, SourceDomain, _taken_message, source_named
from sources.names import name_key
from sources.services import source_update

SEPARATOR = ";"


def _split(value: Any) -> list[str]:
    seen: dict[str, str] = {}
    for part in str(value or "").split(SEPARATOR):
        if part.strip():
            seen.setdefault(part.strip().casefold(), part.strip())
    return list(seen.values())


class _ParentWidget(widgets.ForeignKeyWidget):
    """The parent by name; an unknown name is a refused row, not an error page."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        try:
            return super().clean(value, row, **kwargs)
        except Source.DoesNotExist:
            raise ValueError(f"no source is named “{value}”: import the parent first") from None


class _JoinedField(fields.Field):
    """A source's aliases or domains as one cell, "a; b": what the export writes and what the
    dry run's preview shows before and after each row."""

    def __init__(self, *, related: str, attribute_name: str) -> None:
        super().__init__(column_name=related, readonly=True)
        self.related = related
        self.attribute_name = attribute_name

    def export(self, instance: Any, **kwargs: Any) -> str:
        if instance is None or not instance.pk:
            return ""
        values = getattr(instance, self.related).values_list(self.attribute_name, flat=True)
        return f"{SEPARATOR} ".join(sorted(values))


class SourceResource(resources.ModelResource):
    parent = fields.Field(
        attribute="parent", column_name="parent", widget=_ParentWidget(Source, field="name")
    )
    aliases = _JoinedField(related="aliases", attribute_name="name")
    domains = _JoinedField(related="domains", attribute_name="domain")

    class Meta:
        model = Source
        fields = (
            "name", "kind", "country", "role", "grade", "parent", "description", "aliases",
            "domains",
        )  # fmt: skip
        export_order = fields
        import_id_fields = ("name",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def _new_aliases(self, source: Source, row: dict[str, Any]) -> list[str]:
        have = {a.casefold() for a in _split(self.fields["aliases"].export(source))}
        return [a for a in _split(row.get("aliases")) if a.casefold() not in have]

    def _new_domains(self, source: Source, row: dict[str, Any]) -> list[str]:
        have = set(_split(self.fields["domains"].export(source)))
        return [d.lower() for d in _split(row.get("domains")) if d.lower() not in have]

    def import_instance(self, instance: Source, row: dict[str, Any], **kwargs: Any) -> None:
        errors: dict[str, list[ValidationError]] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            for key, messages in exc.error_dict.items():
                errors.setdefault(key, []).extend(messages)
        aliases = self._new_aliases(instance, row)
        for alias in aliases:
            key = name_key(alias)
            other = source_named(key=key, source=instance)
            if other is not None:
                errors.setdefault("aliases", []).append(
                    ValidationError(_taken_message(alias, key, other))
                )
        domains = self._new_domains(instance, row)
        domain_field = SourceDomain._meta.get_field("domain")
        for domain in domains:
            try:
                domain_field.run_validators(domain)
            except ValidationError as exc:
                errors.setdefault("domains", []).append(
                    ValidationError(f"“{domain}”: {' '.join(exc.messages)}")
                )
                continue
            holder = SourceDomain.objects.filter(domain=domain).select_related("source").first()
            if holder is not None and holder.source_id != instance.pk:
                errors.setdefault("domains", []).append(
                    ValidationError(
                        f"“{domain}” is already a domain of {holder.source.name} "
                        f"(source #{holder.source_id})."
                    )
                )
        if errors:
            raise ValidationError(errors)
        instance._import_aliases = aliases  # type: ignore[attr-defined]
        instance._import_domains = domains  # type: ignore[attr-defined]

    def skip_row(
        self,
        instance: Source,
        original: Source,
        row: dict[str, Any],
        import_validation_errors: Any = None,
    ) -> bool:
        if getattr(instance, "_import_aliases", None) or getattr(instance, "_import_domains", None):
            return False
        return bool(super().skip_row(instance, original, row, import_validation_errors))

    def do_instance_save(self, instance: Source, is_create: bool) -> None:
        if is_create:
            instance.grade_source = Source.GradeSource.DESK  # an admin chose this grade
            instance.save()
        else:
            # Through the service, as the admin's form saves: a changed grade or parent
            # re-assesses the claims the source touches once the import commits.
            source_update(source=instance)

    def after_save_instance(self, instance: Source, row: dict[str, Any], **kwargs: Any) -> None:
        for alias in getattr(instance, "_import_aliases", []):
            SourceAlias(source=instance, name=alias).save()
        for domain in getattr(instance, "_import_domains", []):
            SourceDomain.objects.create(source=instance, domain=domain)

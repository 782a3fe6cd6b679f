from django.contrib import admin

from xuncha.digests.models import DigestImport


@admin.register(DigestImport)
class DigestImportAdmin(admin.ModelAdmin):
    list_display = ["round", "file_name", "unit_count", "problem_count", "imported_at"]
    readonly_fields = [field.name for field in DigestImport._meta.fields]
